/*
 * safefile.h - reading a file the user named, or that a scenario names,
 * without trusting it: never blocking on a FIFO or a device, never reading
 * without end, and (for the files a scenario names) never outside the
 * scenario's directory, symbolic links resolved.
 */
#ifndef CLI_SAFEFILE_H
#define CLI_SAFEFILE_H

#include <stddef.h>

/* The largest empirical or replay file read, bytes. */
#define DATA_FILE_MAX_BYTES (64u << 20)

/*
 * Reads path whole into *buf (NUL-terminated, owned by the caller) and its
 * length into *len.  Refuses, without blocking, anything that is not a
 * regular file once links are followed (a FIFO, a device, a directory),
 * and a file larger than max bytes.  With root (a directory's real path,
 * from realpath), the file's real path must lie inside it.  Returns 0, or
 * -1 with a message (no file content) in err.
 */
int safe_read(const char *path, const char *root, size_t max, char **buf, size_t *len, char *err, size_t errsize);

#endif
