/*
 * safefile.h - reading a file the user named, or that a scenario names,
 * without trusting it: never blocking on a FIFO or a device, never reading
 * without end, and (for the files a scenario names) never outside the
 * scenario's directory, symbolic links resolved.
 */
#ifndef CLI_SAFEFILE_H
#define CLI_SAFEFILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

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

/*
 * A results file holding one JSON object (summary.json, sweep.json), read
 * with safe_read: the object, or NULL with a message in err ("line 3: ..."
 * when it is no JSON object) and *missing set when the file does not exist.
 */
json_t *safe_read_json(const char *path, int *missing, char *err, size_t errsize);

/*
 * Opens path for reading as a stream, refusing (without blocking) what is
 * not a regular file once links are followed: for results files too large
 * to read whole (an access log).  NULL with a message in err, and
 * *missing set when it does not exist.
 */
FILE *safe_open(const char *path, int *missing, char *err, size_t errsize);

#endif
