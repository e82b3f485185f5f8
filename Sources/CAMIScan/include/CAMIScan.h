#ifndef C_AMI_SCAN_H
#define C_AMI_SCAN_H

#include <stddef.h>

/// Where the scan of an ordinary packet's lines stopped (see ami_scan_packet_lines).
typedef struct {
    /// Offset just past the empty line that ends the packet; -1: not in the bytes yet.
    long end;
    /// The offset to resume from: the start of the first line not yet known to be whole.
    long reached;
    /// Whole lines passed over: at least 1 when there were any, not always their number
    /// (the decoder only asks whether the packet is past its first line).
    long lines;
    /// 1: a line longer than max_line (the caller reports where it starts: `reached`).
    int too_long;
} ami_line_scan;

/// Scans the lines of an AMI packet from `start` (a line start) for the empty line that
/// ends it: a line that is empty before LF or CR LF. Lines longer than `max_line` bytes
/// (without their LF) stop the scan. The same answers as the line-by-line loop it
/// replaces in AMIDecoder, at the speed of one vector compare per 16 bytes: an event
/// flood spends most of its framing time there (docs/performance.md).
ami_line_scan ami_scan_packet_lines(const unsigned char *_Nonnull bytes, long count, long start, long max_line);

#endif
