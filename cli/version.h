/* version.h - the one place the version is written. */
#ifndef CLI_VERSION_H
#define CLI_VERSION_H
#define CHOKEPOINT_VERSION "0.1.0"
#endif
