#ifndef CRIER_LOOSE_H
#define CRIER_LOOSE_H

#include <stddef.h>

/*
 * loose: reads a git loose object (objects/ab/cdef…) with libdeflate,
 * about twice as fast as the zlib stream libgit2 reads it with.  Only
 * the plain case is handled; for anything else, 0 is returned and the
 * caller asks libgit2, which finds packed objects and reports errors.
 * A loose object that is there but damaged is -1.
 */

/*
 * Reads the object of raw id id (20 bytes) from the objects folder
 * objdir.  Returns 1 with *data (malloc'd, NUL-terminated after *len
 * bytes) if it is a loose object of type type ("blob", "tree"), 0 if
 * it is not a loose object here, or -1 if the file is damaged or holds
 * an object of another type.
 */
int loose_read(const char *objdir, const unsigned char *id, const char *type, char **data,
    size_t *len);

#endif
