#ifndef CRIER_PACK_H
#define CRIER_PACK_H

#include <stddef.h>

/*
 * pack: objects read from git's packs, for the history walk's trees.
 *
 * libgit2 keeps no delta base over 1 MiB, so on a large posts folder
 * every tree stored as a delta is rebuilt from its full base, delta after
 * delta, each time it is read.  This reader keeps the last objects it
 * rebuilt, so reading trees in the order of history (each the base of the
 * next, as git packs them) applies one delta per tree.  Only the plain
 * case is handled (index version 2, pack version 2 or 3, offset and
 * reference deltas within the packs); for anything else the caller asks
 * libgit2, which also reports what is wrong.  Not thread-safe: one per
 * thread.
 */

struct pack;

/* An object read: data (len bytes, then a NUL) stays until pack_put. */
struct pack_obj {
	const unsigned char *data;
	size_t len;
	int refs;		/* the reader's and its callers' */
	size_t pack;		/* where it is: which pack */
	unsigned long long offset;	/* and where in it */
	/*
	 * A delta's base (where it is), and what the delta says without a
	 * look at the bytes: the first head bytes are the base's first, and
	 * the last tail bytes the base's last.
	 */
	int has_base;
	struct pack *owner;	/* the reader, which takes back data */
	size_t cap;		/* the bytes allocated for data */
	size_t base_pack;
	unsigned long long base_offset;
	size_t head, tail;
};

/* The packs of the objects folder objdir, opened when first read. */
struct pack *pack_open(const char *objdir);
/* After every object read is put back. */
void pack_free(struct pack *pk);

/*
 * Reads the object of raw id id (20 bytes) of type type ("tree").
 * Returns it (pack_put it when done), or NULL if it is not in a pack or
 * not read in the plain way (the caller asks libgit2).
 */
struct pack_obj *pack_read(struct pack *pk, const unsigned char *id, const char *type);
void pack_put(struct pack_obj *o);

#endif
