#ifndef CRIER_PACK_H
#define CRIER_PACK_H

#include <stddef.h>

/*
 * pack: objects read from git's packs: the history walk's trees, and the
 * posts' blobs (libdeflate inflates a blob about twice as fast as
 * libgit2's zlib, and a 100,000-post repository is mostly packed).
 *
 * libgit2 keeps no delta base over 1 MiB, so on a large posts folder
 * every tree stored as a delta is rebuilt from its full base, delta after
 * delta, each time it is read.  This reader keeps the last objects it
 * rebuilt, so reading trees in the order of history (each the base of the
 * next, as git packs them) applies one delta per tree.  Only the plain
 * case is handled (index version 2, pack version 2 or 3, offset and
 * reference deltas within the packs); for anything else the caller asks
 * libgit2, which also reports what is wrong.
 *
 * The packs are mapped once (struct packs) and shared by the threads;
 * each thread reads through a reader of its own (struct pack), which
 * keeps what it rebuilt.  A reader is not thread-safe.
 */

struct packs;
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

/*
 * Maps the packs of the objects folder objdir now (those that cannot be
 * read are left to libgit2), with one reference, dropped by packs_put.
 * Packs git adds later are not seen.
 */
struct packs *packs_open(const char *objdir);
struct packs *packs_ref(struct packs *ps);
void packs_put(struct packs *ps);
/*
 * Lets the kernel take back the pages of the packs read so far: pages
 * read again come back from the page cache.  Safe while other threads
 * read.
 */
void packs_drop(struct packs *ps);
/* 1 if no pack was mapped. */
int packs_empty(const struct packs *ps);

/* A reader of ps, for one thread; it holds a reference on ps. */
struct pack *pack_open(struct packs *ps);
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
