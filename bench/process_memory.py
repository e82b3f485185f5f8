"""A process's resident memory, from /proc (Linux), for the load and soak runs."""


def rss_mb(pid):
    """The resident set size of process `pid` in MB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0
