/// How a client connection uses TLS (Asterisk's `tlsenable` port, 5039 by default).
public struct AMITLSOptions: Sendable, Hashable {
    /// Check the server's certificate chain and name (off: accept any certificate, as
    /// for a self-signed test server; say so in your own logs).
    public var verifyCertificate: Bool
    /// A PEM file of the certificates to trust instead of the system's.
    public var trustedCertificatesFile: String?

    public init(verifyCertificate: Bool = true, trustedCertificatesFile: String? = nil) {
        self.verifyCertificate = verifyCertificate
        self.trustedCertificatesFile = trustedCertificatesFile
    }
}
