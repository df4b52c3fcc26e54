package io.junction.node;

/** Writes a configured address into a URL: IPv6 literals in brackets, and a wildcard replaced by loopback for clients. */
final class UrlHosts {
    private UrlHosts() {
    }

    /** The host part of an acceptor URL listening on {@code bind}. */
    static String listen(String bind) {
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    /** The host part of a URL that a client on this machine uses to reach a node listening on {@code bind}. */
    static String connect(String bind) {
        String bare = bind.replace("[", "").replace("]", "");
        if (bare.equals("0.0.0.0") || bare.matches("[0:]+") || bare.equals("::")) {
            return "127.0.0.1";
        }
        return listen(bare);
    }
}
