import Crypto

/// The Login exchange, in one place for the client, the interpreter and the simulator:
/// the headers of a plain Login, the Challenge request, and the MD5 key
/// (manager.c: `Key` is the lowercase hex MD5 of the challenge followed by the secret).
public enum AMILogin {
    /// `Action: Challenge` / `AuthType: MD5`: asks for the nonce of an MD5 login.
    public static let challengeRequest = AMIAction("Challenge", [AMIHeader("AuthType", "MD5")])

    /// The headers of `Action: Login`: `Secret` for a plain login; with a `challenge`,
    /// `AuthType: MD5` and `Key` instead (the secret never crosses the wire). `events`:
    /// the `Events:` header — `on`, `off` or a mask of event classes (`call,user`).
    public static func headers(username: String, secret: String, challenge: String? = nil, events: String? = nil) -> [AMIHeader] {
        var headers = [AMIHeader("Username", username)]
        if let challenge {
            headers.insert(AMIHeader("AuthType", "MD5"), at: 0)
            headers.append(AMIHeader("Key", md5Key(challenge: challenge, secret: secret)))
        } else {
            headers.append(AMIHeader("Secret", secret))
        }
        if let events { headers.append(AMIHeader("Events", events)) }
        return headers
    }

    public static func md5Key(challenge: String, secret: String) -> String {
        md5Hex(challenge + secret)
    }

    /// Lowercase hex MD5 of the text's UTF-8 bytes.
    public static func md5Hex(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
