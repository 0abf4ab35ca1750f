/*
 * fuzz/pack: pack.c on arbitrary pack bytes, as a repository anyone
 * pushed to would give the history walk.  The input is two bytes (where
 * the second object starts) and the pack's objects; the harness writes a
 * pack of them and an index of two ids, and reads both, the first twice
 * (the second time from what pack.c kept).  Besides what the sanitizers
 * catch, an object read is NUL-terminated.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], packpath[128], idxpath[128];

static char sub[96];

/* The files are the harness's own: gone when the run ends. */
static void
cleanup(void)
{
	unlink(packpath);
	unlink(idxpath);
	rmdir(sub);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/crier-fuzz-pack.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(sub, sizeof(sub), "%s/pack", dir);
	if (mkdir(sub, 0777) < 0)
		abort();
	snprintf(packpath, sizeof(packpath), "%s/pack-fuzz.pack", sub);
	snprintf(idxpath, sizeof(idxpath), "%s/pack-fuzz.idx", sub);
	atexit(cleanup);
	return 0;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
check(struct pack_obj *o)
{
	if (o != NULL && o->data[o->len] != '\0')
		abort();
	pack_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char head[12], trailer[20], idx[8 + 1024 + 2 * 28 + 40], a[20], b[20];
	uint32_t second;
	struct packs *ps;
	struct pack *pk;
	FILE *fp;
	size_t i;

	if (size < 2)
		return 0;
	second = 12 + ((uint32_t)data[0] << 8 | data[1]);
	data += 2;
	size -= 2;
	memcpy(head, "PACK", 4);
	put32(head + 4, 2);
	put32(head + 8, 2);
	memset(trailer, 0, sizeof(trailer));
	if ((fp = fopen(packpath, "w")) == NULL || fwrite(head, 1, 12, fp) != 12 ||
	    fwrite(data, 1, size, fp) != size || fwrite(trailer, 1, 20, fp) != 20 || fclose(fp) != 0)
		abort();
	/* Two ids, 00..01 and 00..02, at 12 and second. */
	memset(a, 0, 20);
	memset(b, 0, 20);
	a[19] = 1;
	b[19] = 2;
	memset(idx, 0, sizeof(idx));
	memcpy(idx, "\377tOc", 4);
	put32(idx + 4, 2);
	for (i = 0; i < 256; i++)
		put32(idx + 8 + 4 * i, 2);
	memcpy(idx + 8 + 1024, a, 20);
	memcpy(idx + 8 + 1024 + 20, b, 20);
	put32(idx + 8 + 1024 + 40 + 8, 12);
	put32(idx + 8 + 1024 + 40 + 8 + 4, second);
	if ((fp = fopen(idxpath, "w")) == NULL || fwrite(idx, 1, sizeof(idx), fp) != sizeof(idx) ||
	    fclose(fp) != 0)
		abort();
	ps = packs_open(dir);
	pk = pack_open(ps);
	packs_put(ps);
	check(pack_read(pk, a, "tree"));
	check(pack_read(pk, b, "blob"));
	check(pack_read(pk, b, "tree"));
	check(pack_read(pk, a, "tree"));
	pack_free(pk);
	return 0;
}
