/// The one version string of amiscript and amisim. `--version`, the REPL banner, the man
/// pages and the Debian package all read it from here (the Makefile and the packaging
/// scripts read it from the assignment below: keep that on one line, a quoted X.Y.Z).
public enum AMIScriptVersion {
    public static let string = "0.4.0"
}
