/*
 * crier: static sites of alerts and announcements, built from the posts
 * committed to a git repository.  main() only reads the command line;
 * each command lives in a module of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "cli.h"
#include "check.h"
#include "new.h"
#include "serve.h"

static const char usage[] =
    "usage: crier build [-qv] [-j jobs] [--drafts] [--future] [--now date] [--worktree]\n"
    "                   [--force] [--no-history] [-C dir] [--ref ref] [-o dir]\n"
    "       crier new [-C dir] [--category name]... [--date date] title\n"
    "       crier serve [--drafts] [--future] [--port port] [-C dir]\n"
    "       crier check [-C dir] [--ref ref]\n"
    "       crier --help | --version\n";

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "ref", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-history", no_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "drafts", no_argument, NULL, 'D' },
		{ "future", no_argument, NULL, 'F' },
		{ "now", required_argument, NULL, 'N' },
		{ "worktree", no_argument, NULL, 'W' },
		{ "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_opts o;
	int ch;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("crier %s\n", CRIER_VERSION);
		return 0;
	}
	/* The other commands read their own options, in their modules. */
	if (argc >= 2 && !strcmp(argv[1], "new"))
		return new_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return serve_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return check_main(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "build") != 0) {
		if (argc >= 2)
			fprintf(stderr, "crier: unknown command \"%s\"\n", argv[1]);
		fputs(usage, stderr);
		return 2;
	}
	memset(&o, 0, sizeof(o));
	argc--;
	argv++;
	opterr = 0;	/* its messages would start "build:"; ours say "crier:" */
	while ((ch = getopt_long(argc, argv, ":hqvj:C:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("crier %s\n", CRIER_VERSION);
			return 0;
		case 'C':
			o.dir = optarg;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'H':
			o.no_history = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'D':
			o.drafts = 1;
			break;
		case 'F':
			o.future = 1;
			break;
		case 'N':
			o.now = optarg;
			break;
		case 'W':
			o.worktree = 1;
			break;
		case 'j':
			o.jobs = atoi(optarg);
			if (o.jobs < 1 || o.jobs > 256) {
				fprintf(stderr, "crier: -j wants a number of threads from 1 to 256\n");
				fputs(usage, stderr);
				return 2;
			}
			break;
		default:
			return cli_bad_option(ch, argv, usage);
		}
	}
	if (optind != argc)
		return cli_extra(argv[optind], usage);
	/* -C works as git's does: paths are then relative to dir. */
	if (cli_chdir(o.dir) < 0)
		return 1;
	return build_run(&o);
}
