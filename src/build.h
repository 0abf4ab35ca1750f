/*
 * build: what `crier build` does, for the commands that build a site
 * (build, and those that build into a folder of their own).
 */
#ifndef CRIER_BUILD_H
#define CRIER_BUILD_H

#ifndef CRIER_VERSION
#define CRIER_VERSION "0.1.0"
#endif

struct build_opts {
	const char *dir;	/* the folder the build was asked for in (-C), for messages */
	const char *ref;	/* what to build; NULL for HEAD */
	const char *out;	/* the output folder; NULL for site.ini's */
	int quiet;		/* no summary line, no warnings */
	int verbose;		/* say how long each step took */
	int force;		/* replace an output folder crier did not write */
	int no_history;		/* date posts from front matter and names only */
	int drafts;		/* publish drafts too */
	int future;		/* publish posts dated after now too */
	const char *now;	/* the build's "now" as a date, or NULL */
	int worktree;		/* build the work tree, not a commit (a preview) */
	int jobs;		/* threads to render with; 0: as many as processors */
};

#define BUILD_HAS_WORKTREE 1

/*
 * Builds the site of the repository around the current folder.  Returns
 * 0, or 1 after reporting every error (and writing nothing).
 */
int build_run(const struct build_opts *o);

#endif
