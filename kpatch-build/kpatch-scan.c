// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-scan - which translation units of a kernel a patch affects.
 *
 * In distro mode kpatch-build does not build the whole kernel: it prepares
 * the distribution's kernel source tree and compiles, before and after the
 * patch, only the units the patch touches.  This tool answers the two
 * questions that needs, without compiling anything:
 *
 *   kpatch-scan units ELF...
 *	the source file of every DWARF compile unit of each ELF (the target's
 *	vmlinux from the -dbg package, its module debug files): the units
 *	that are really built into the target kernel.
 *
 *   kpatch-scan includers [-v] [-u UNITS] TREE FILE...
 *	every .c file of the tree that includes one of FILEs, directly or
 *	through other headers, found by a textual scan of #include lines.
 *
 * The include scan ignores #if, so its answer is a superset of what the
 * preprocessor would include, never a subset: a unit that is listed but
 * does not really include the header compiles to the same object before
 * and after the patch, which costs build time but not correctness.  For
 * the same reason an #include that no search directory resolves (Kbuild
 * folders add their own -I directories) is taken to mean every file of the
 * tree whose path ends with "/<name>".  An #include inside a block comment
 * counts too.  What the scan cannot see: #include MACRO(...) lines (the
 * trace event headers' TRACE_INCLUDE) and a Makefile's per-object
 * "-include file.h" (on x86 only the boot decompressor, the EFI stub and
 * init/version*.c, none of them live patchable).
 *
 * Checked against gcc on the 6.1 and 6.12 test kernels: for 180 random
 * headers, every unit whose .*.o.cmd lists the header was in the output
 * but for the generated utsversion.h above; the output held 9-15% more
 * units than gcc really compiled with the header.
 *
 * Exit status: 0 done, 1 error (one line on stderr).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "dwarf.h"
#include "hash.h"
#include "log.h"
#include "strpool.h"

#define TOOL "kpatch-scan"

/* Top-level folders of a kernel tree that hold no kernel build units. */
static const char * const skipped_top_dirs[] = {
	"Documentation",
	"samples",
	"scripts",
	"tools",
	"usr",
};

/* The one architecture whose arch/<name> folder is scanned. */
#define SCANNED_ARCH		"x86"

/*
 * Where #include <x> looks, in gcc's order, as the top Makefile of an x86
 * kernel sets it up with -I/-isystem (LINUXINCLUDE).
 */
static const char * const search_dirs[] = {
	"arch/x86/include",
	"arch/x86/include/generated",
	"include",
	"arch/x86/include/uapi",
	"arch/x86/include/generated/uapi",
	"include/uapi",
	"include/generated/uapi",
};

/*
 * Headers that every unit gets through -include on the compiler command
 * line (the top Makefile's LINUXINCLUDE / KBUILD_CFLAGS): a change to one
 * of them, or to anything they include, affects every unit.
 */
static const char * const forced_includes[] = {
	"include/linux/compiler-version.h",
	"include/linux/compiler_types.h",
	"include/linux/kconfig.h",
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Is @path a source file that can be a unit of its own?  A .c file, but not
 * one that Kbuild generates for modules (foo.mod.c) nor a hidden generated
 * file such as .vmlinux.export.c.
 */
static bool is_unit_source(const char *path)
{
	return has_suffix(path, ".c") && !has_suffix(path, ".mod.c") &&
	       base_name(path)[0] != '.';
}

/* Skip leading "./" components: "././fs/exec.c" -> "fs/exec.c". */
static const char *skip_dot_slash(const char *path)
{
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (*path == '/')
			path++;
	}
	return path;
}

/* ------------------------------------------------------------------ */
/* units: the compile units of ELF files                              */
/* ------------------------------------------------------------------ */

/*
 * The tree-relative path of a unit's source.  Debian builds name units
 * "kernel/fork.c" relative to DW_AT_comp_dir; other builds use "./x.c" or
 * an absolute path under the compile directory.  Anything else (an
 * absolute path elsewhere, a file of the build directory) stays as it is.
 */
static const char *unit_tree_path(const char *name, const char *comp_dir)
{
	size_t n;

	name = skip_dot_slash(name);
	if (name[0] != '/' || !comp_dir || comp_dir[0] != '/')
		return name;
	n = strlen(comp_dir);
	while (n > 1 && comp_dir[n - 1] == '/')
		n--;
	if (n > 1 && !strncmp(name, comp_dir, n) && name[n] == '/')
		return skip_dot_slash(name + n + 1);
	return name;
}

/* Counts of what print_units() saw, for -v. */
struct unit_counts {
	size_t printed;		/* lines printed */
	size_t skipped;		/* compile units that are not .c sources */
	size_t by_version[6];	/* compile units per DWARF version (index 2..5) */
};

/* Print "ELF<TAB>PATH" for every .c compile unit of @path. */
static int print_units(const char *path, struct unit_counts *counts)
{
	struct debuginfo_unit unit;
	struct debuginfo *di;
	int ret = debuginfo_open(path, &di);

	if (ret)
		return ret < 0 ? -1 : error_obj(path, "cannot read DWARF: no .debug_info");
	for_each_unit(di, &unit, ret) {
		if (!unit.is_compile)
			continue;
		if (unit.version < ARRAY_SIZE(counts->by_version))
			counts->by_version[unit.version]++;
		if (!unit.name || !is_unit_source(unit.name)) {
			counts->skipped++;
			continue;
		}
		printf("%s\t%s\n", path, unit_tree_path(unit.name, unit.comp_dir));
		counts->printed++;
	}
	if (ret < 0)
		return -1;
	if (!counts->printed && !counts->skipped)
		return error_obj(path, "no DWARF compile units");
	return 0;
}

static int cmd_units(int nr_files, char **files, bool verbose)
{
	int err = 0;

	for (int i = 0; i < nr_files && !err; i++) {
		struct unit_counts counts = { 0 };
		double start = now_seconds();

		err = print_units(files[i], &counts);
		if (!err && verbose)
			fprintf(stderr, TOOL ": %s: %zu .c units, %zu other units "
				"(DWARF 4: %zu, DWARF 5: %zu), %.2f s\n", files[i],
				counts.printed, counts.skipped, counts.by_version[4],
				counts.by_version[5], now_seconds() - start);
	}
	debuginfo_forget();
	return err;
}

/* ------------------------------------------------------------------ */
/* includers: the textual include graph of a kernel tree              */
/* ------------------------------------------------------------------ */

/* One .c or .h file of the tree; tree->files[] holds them all. */
struct tree_file {
	const char *path;		/* relative to the tree: "fs/exec.c" */
	const char *base;		/* the last component of path */
	bool is_unit;			/* is_unit_source(path) */
	bool in_units;			/* named by the -u list */
	struct obj_hnode by_path;	/* tree->path_htab, hash_str(path) */
	struct obj_hnode by_base;	/* tree->base_htab, hash_str(base) */
};

/* "file @from has an #include that names file @to" */
struct include_edge {
	uint32_t from;			/* index of the including file */
	uint32_t to;			/* index of the included file */
};

/* Include edges grouped by one end, as compressed rows. */
struct adjacency {
	uint32_t *start;		/* nr_files + 1 entries: the neighbours of file
					   i are next[start[i] .. start[i + 1]) */
	uint32_t *next;			/* neighbour file indices */
};

/* What the include scan counted, for -v. */
struct scan_counts {
	size_t bytes;			/* bytes read */
	size_t includes;		/* #include lines with a "name" or <name> */
	size_t by_search;		/* resolved like the preprocessor would */
	size_t by_suffix;		/* resolved only by the suffix fallback */
	size_t unresolved;		/* no file of the tree matched */
	size_t macro;			/* #include MACRO(...): ignored */
};

/* A scanned kernel tree. */
struct scan_tree {
	const char *root;		/* the TREE argument */
	int root_fd;			/* open directory of root */
	struct obj_strpool *pool;	/* paths of files[] */
	struct tree_file *files;	/* every .c and .h file found */
	size_t nr_files;		/* entries used in files[] */
	size_t files_alloc;		/* entries allocated in files[] */
	struct obj_htab path_htab;	/* files by path */
	struct obj_htab base_htab;	/* files by last path component */
	struct include_edge *edges;	/* every resolved #include */
	size_t nr_edges;		/* entries used in edges[] */
	size_t edges_alloc;		/* entries allocated in edges[] */
	struct adjacency includes;	/* file -> the files it includes */
	struct adjacency included_by;	/* file -> the files that include it */
	char *buf;			/* contents of the file being scanned */
	size_t buf_alloc;		/* bytes allocated for buf */
	struct scan_counts counts;	/* statistics for -v */
};

static bool is_skipped_dir(const char *parent, const char *name)
{
	if (name[0] == '.')	/* .git, .pc (quilt), .tmp_* and the like */
		return true;
	if (!parent[0]) {
		for (size_t i = 0; i < ARRAY_SIZE(skipped_top_dirs); i++)
			if (!strcmp(name, skipped_top_dirs[i]))
				return true;
		return false;
	}
	/* Other architectures' headers never reach an x86 unit. */
	return !strcmp(parent, "arch") && strcmp(name, SCANNED_ARCH);
}

static bool is_scanned_file(const char *name)
{
	if (name[0] == '.')
		return false;
	if (has_suffix(name, ".h"))
		return true;
	return is_unit_source(name);
}

static int add_tree_file(struct scan_tree *tree, const char *path)
{
	struct tree_file *file;

	if (tree->nr_files == tree->files_alloc) {
		size_t n = tree->files_alloc ? 2 * tree->files_alloc : 4096;
		struct tree_file *files = realloc(tree->files, n * sizeof(*files));

		if (!files)
			return error_sys(tree->root, "cannot list files");
		tree->files = files;
		tree->files_alloc = n;
	}
	file = &tree->files[tree->nr_files];
	*file = (struct tree_file){ 0 };
	file->path = strpool_strdup(tree->pool, path);
	if (!file->path)
		return error_sys(tree->root, "cannot list files");
	file->base = base_name(file->path);
	file->is_unit = is_unit_source(file->path);
	tree->nr_files++;
	return 0;
}

/* The type of a directory entry, asking the file system if readdir did not say. */
static unsigned char entry_type(int dir_fd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
		return de->d_type;
	if (fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
		return DT_UNKNOWN;
	if (S_ISDIR(st.st_mode))
		return DT_DIR;
	if (S_ISREG(st.st_mode))
		return DT_REG;
	if (!S_ISLNK(st.st_mode))
		return DT_UNKNOWN;
	/* A symlinked file counts; a symlinked folder could make a loop. */
	if (!fstatat(dir_fd, de->d_name, &st, 0) && S_ISREG(st.st_mode))
		return DT_REG;
	return DT_LNK;
}

/*
 * Add the .c and .h files under the folder @path (relative to the tree,
 * "" for the top, @len characters of a PATH_MAX buffer) opened as @dir_fd,
 * which this function closes.
 */
static int walk_dir(struct scan_tree *tree, int dir_fd, char *path, size_t len)
{
	DIR *dir = fdopendir(dir_fd);
	struct dirent *de;
	int err = 0;

	if (!dir) {
		close(dir_fd);
		return error_sys(tree->root, "cannot read folder %s", len ? path : ".");
	}
	while (!err && (de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		unsigned char type;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + n + 2 > PATH_MAX)
			continue;
		type = entry_type(dirfd(dir), de);
		if (type == DT_DIR && !is_skipped_dir(path, de->d_name)) {
			int sub_fd = openat(dirfd(dir), de->d_name,
					    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			size_t sub_len = len;

			if (sub_fd < 0)
				continue;	/* unreadable: not part of the build */
			if (sub_len)
				path[sub_len++] = '/';
			memcpy(path + sub_len, de->d_name, n + 1);
			err = walk_dir(tree, sub_fd, path, sub_len + n);
			path[len] = '\0';
		} else if (type == DT_REG && is_scanned_file(de->d_name)) {
			size_t file_len = len;

			if (file_len)
				path[file_len++] = '/';
			memcpy(path + file_len, de->d_name, n + 1);
			err = add_tree_file(tree, path);
			path[len] = '\0';
		}
	}
	closedir(dir);
	return err;
}

/* Hash every file by path and by last component (files[] no longer moves). */
static int index_files(struct scan_tree *tree)
{
	if (htab_init(&tree->path_htab, tree->nr_files) ||
	    htab_init(&tree->base_htab, tree->nr_files))
		return error_sys(tree->root, "cannot index files");
	for (size_t i = 0; i < tree->nr_files; i++) {
		struct tree_file *file = &tree->files[i];

		if (htab_add(&tree->path_htab, &file->by_path, hash_str(file->path)) ||
		    htab_add(&tree->base_htab, &file->by_base, hash_str(file->base)))
			return error_sys(tree->root, "cannot index files");
	}
	return 0;
}

static struct tree_file *find_file(const struct scan_tree *tree, const char *path)
{
	uint64_t key = hash_str(path);
	struct obj_hnode *node;

	htab_for_each(&tree->path_htab, key, node) {
		struct tree_file *file = container_of(node, struct tree_file, by_path);

		if (!strcmp(file->path, path))
			return file;
	}
	return NULL;
}

/*
 * Write @dir (@dir_len characters, may be 0) joined with @name to @out
 * with "." and ".." components resolved.  -1 if the result is empty,
 * leaves the tree or does not fit.
 */
static int join_path(const char *dir, size_t dir_len, const char *name,
		     char *out, size_t size)
{
	char joined[PATH_MAX];
	const char *p = joined;
	size_t n = 0;

	if (dir_len + strlen(name) + 2 > sizeof(joined))
		return -1;
	memcpy(joined, dir, dir_len);
	joined[dir_len] = '/';
	strcpy(joined + dir_len + 1, name);
	while (*p) {
		size_t len = strcspn(p, "/");
		const char *comp = p;

		p += len;
		if (*p == '/')
			p++;
		if (!len || (len == 1 && comp[0] == '.'))
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			if (!n)
				return -1;
			while (n && out[n - 1] != '/')
				n--;
			if (n)
				n--;
			continue;
		}
		if (n + len + 2 > size)
			return -1;
		if (n)
			out[n++] = '/';
		memcpy(out + n, comp, len);
		n += len;
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

static int add_edge(struct scan_tree *tree, const struct tree_file *from,
		    const struct tree_file *to)
{
	if (tree->nr_edges == tree->edges_alloc) {
		size_t n = tree->edges_alloc ? 2 * tree->edges_alloc : 65536;
		struct include_edge *edges = realloc(tree->edges, n * sizeof(*edges));

		if (!edges)
			return error_sys(tree->root, "cannot record includes");
		tree->edges = edges;
		tree->edges_alloc = n;
	}
	tree->edges[tree->nr_edges++] = (struct include_edge){
		.from = (uint32_t)(from - tree->files),
		.to = (uint32_t)(to - tree->files),
	};
	return 0;
}

/* The file that @dir joined with @name names, or NULL. */
static struct tree_file *find_joined(const struct scan_tree *tree, const char *dir,
				     size_t dir_len, const char *name)
{
	char path[PATH_MAX];

	if (join_path(dir, dir_len, name, path, sizeof(path)))
		return NULL;
	return find_file(tree, path);
}

/*
 * The file an #include names, searched like the preprocessor does: a
 * "quoted" name first in the including file's own folder, then (like
 * <name>) in search_dirs[].  #include_next skips the including file.
 */
static struct tree_file *resolve_include(const struct scan_tree *tree,
					 const struct tree_file *from,
					 const char *name, bool quoted, bool next)
{
	struct tree_file *file;

	if (quoted) {
		file = find_joined(tree, from->path, (size_t)(from->base - from->path), name);
		if (file && !next)
			return file;
	}
	for (size_t i = 0; i < ARRAY_SIZE(search_dirs); i++) {
		file = find_joined(tree, search_dirs[i], strlen(search_dirs[i]), name);
		if (file && file != from)
			return file;
	}
	return NULL;
}

/* Does @path equal @suffix or end with "/" @suffix? */
static bool path_ends_with(const char *path, const char *suffix, size_t suffix_len)
{
	size_t n = strlen(path);

	if (n < suffix_len || memcmp(path + n - suffix_len, suffix, suffix_len))
		return false;
	return n == suffix_len || path[n - suffix_len - 1] == '/';
}

/*
 * The fallback for an #include no search directory resolves: an edge to
 * every file whose path ends with the name (leading "../" dropped).
 * Returns the number of edges added, or -1.
 */
static int add_suffix_edges(struct scan_tree *tree, const struct tree_file *from,
			    const char *name)
{
	char suffix[PATH_MAX];
	struct obj_hnode *node;
	const char *base;
	size_t len;
	uint64_t key;
	int added = 0;

	while (!strncmp(name, "../", 3) || !strncmp(name, "./", 2))
		name += name[1] == '/' ? 2 : 3;
	if (join_path("", 0, name, suffix, sizeof(suffix)))
		return 0;
	len = strlen(suffix);
	base = base_name(suffix);
	key = hash_str(base);
	htab_for_each(&tree->base_htab, key, node) {
		struct tree_file *file = container_of(node, struct tree_file, by_base);

		if (file == from || strcmp(file->base, base) ||
		    !path_ends_with(file->path, suffix, len))
			continue;
		if (add_edge(tree, from, file))
			return -1;
		added++;
	}
	return added;
}

static int add_include(struct scan_tree *tree, const struct tree_file *from,
		       const char *name, bool quoted, bool next)
{
	struct tree_file *to = resolve_include(tree, from, name, quoted, next);
	int added;

	tree->counts.includes++;
	if (to) {
		tree->counts.by_search++;
		return add_edge(tree, from, to);
	}
	added = add_suffix_edges(tree, from, name);
	if (added < 0)
		return -1;
	if (added) {
		tree->counts.by_suffix++;
		debug("%s: #include %c%s%c matched %d files by suffix", from->path,
		      quoted ? '"' : '<', name, quoted ? '"' : '>', added);
	} else {
		tree->counts.unresolved++;
		debug("%s: unresolved #include %c%s%c", from->path, quoted ? '"' : '<',
		      name, quoted ? '"' : '>');
	}
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Is @p the first character of its line but for blanks? */
static bool is_line_start(const char *buf, const char *p)
{
	while (p > buf && is_blank(p[-1]))
		p--;
	return p == buf || p[-1] == '\n';
}

/*
 * Parse the directive after a '#' at @p: if it is an #include or
 * #include_next of a "name" or <name>, add it.  Returns 0 or -1.
 */
static int parse_directive(struct scan_tree *tree, const struct tree_file *from,
			   const char *p, const char *end)
{
	char name[PATH_MAX];
	const char *close;
	bool quoted, next = false;
	char delim;

	p++;
	while (p < end && is_blank(*p))
		p++;
	if (end - p < 7 || memcmp(p, "include", 7))
		return 0;
	p += 7;
	if (end - p >= 5 && !memcmp(p, "_next", 5)) {
		next = true;
		p += 5;
	}
	if (p < end && !is_blank(*p) && *p != '"' && *p != '<')
		return 0;	/* #include_foo, #includes: not an include */
	while (p < end && is_blank(*p))
		p++;
	if (p == end || (*p != '"' && *p != '<')) {
		/* #include MACRO(...) (TRACE_INCLUDE): unresolvable. */
		if (p < end && *p != '\n')
			tree->counts.macro++;
		return 0;
	}
	quoted = *p == '"';
	delim = quoted ? '"' : '>';
	p++;
	for (close = p; close < end && *close != delim && *close != '\n'; close++)
		;
	if (close == end || *close != delim || close == p ||
	    (size_t)(close - p) >= sizeof(name))
		return 0;
	memcpy(name, p, (size_t)(close - p));
	name[close - p] = '\0';
	return add_include(tree, from, name, quoted, next);
}

/* Read the whole file into tree->buf; its length in *@len. */
static int read_tree_file(struct scan_tree *tree, const struct tree_file *file, size_t *len)
{
	struct stat st;
	size_t have = 0;
	int fd = openat(tree->root_fd, file->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_sys(file->path, "cannot open");
	if (fstat(fd, &st)) {
		close(fd);
		return error_sys(file->path, "cannot stat");
	}
	if ((size_t)st.st_size + 1 > tree->buf_alloc) {
		size_t n = (size_t)st.st_size + 1 + 65536;
		char *buf = realloc(tree->buf, n);

		if (!buf) {
			close(fd);
			return error_sys(file->path, "cannot read");
		}
		tree->buf = buf;
		tree->buf_alloc = n;
	}
	while (have < (size_t)st.st_size) {
		ssize_t got = read(fd, tree->buf + have, (size_t)st.st_size - have);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			close(fd);
			return error_sys(file->path, "cannot read");
		}
		if (!got)
			break;	/* the file shrank: scan what is there */
		have += (size_t)got;
	}
	close(fd);
	*len = have;
	tree->counts.bytes += have;
	return 0;
}

/* Record every #include of @file. */
static int scan_file(struct scan_tree *tree, const struct tree_file *file)
{
	const char *p, *end;
	size_t len = 0;

	if (read_tree_file(tree, file, &len))
		return -1;
	p = tree->buf;
	end = p + len;
	while ((p = memchr(p, '#', (size_t)(end - p)))) {
		if (is_line_start(tree->buf, p) && parse_directive(tree, file, p, end))
			return -1;
		p++;
	}
	return 0;
}

/* Group @tree's edges by their @from end (or by their to end) as rows. */
static int build_adjacency(struct scan_tree *tree, struct adjacency *adj, bool by_from)
{
	size_t n = tree->nr_files;

	adj->start = calloc(n + 1, sizeof(*adj->start));
	adj->next = malloc((tree->nr_edges + 1) * sizeof(*adj->next));
	if (!adj->start || !adj->next)
		return error_sys(tree->root, "cannot build the include graph");
	for (size_t i = 0; i < tree->nr_edges; i++)
		adj->start[(by_from ? tree->edges[i].from : tree->edges[i].to) + 1]++;
	for (size_t i = 0; i < n; i++)
		adj->start[i + 1] += adj->start[i];
	/* Fill each row from its end: start[i] ends up back at the row's start. */
	for (size_t i = 0; i < n; i++)
		adj->start[i] = adj->start[i + 1];
	for (size_t i = tree->nr_edges; i-- > 0;) {
		const struct include_edge *e = &tree->edges[i];
		uint32_t row = by_from ? e->from : e->to;

		adj->next[--adj->start[row]] = by_from ? e->to : e->from;
	}
	return 0;
}

static int scan_tree_open(struct scan_tree *tree, const char *root)
{
	struct stat st;
	char path[PATH_MAX] = "";
	int fd;

	*tree = (struct scan_tree){ .root = root, .root_fd = -1 };
	tree->root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tree->root_fd < 0)
		return error_sys(root, "cannot open the kernel tree");
	if (fstatat(tree->root_fd, "Makefile", &st, 0) || !S_ISREG(st.st_mode) ||
	    fstatat(tree->root_fd, "Kconfig", &st, 0) || !S_ISREG(st.st_mode))
		return error_obj(root, "not a kernel tree (no Makefile and Kconfig)");
	tree->pool = strpool_new();
	if (!tree->pool)
		return error_sys(root, "cannot allocate");
	fd = dup(tree->root_fd);
	if (fd < 0)
		return error_sys(root, "cannot open the kernel tree");
	return walk_dir(tree, fd, path, 0);
}

static int scan_includes(struct scan_tree *tree)
{
	for (size_t i = 0; i < tree->nr_files; i++)
		if (scan_file(tree, &tree->files[i]))
			return -1;
	return 0;
}

static void scan_tree_close(struct scan_tree *tree)
{
	if (tree->root_fd >= 0)
		close(tree->root_fd);
	htab_free(&tree->path_htab);
	htab_free(&tree->base_htab);
	free(tree->includes.start);
	free(tree->includes.next);
	free(tree->included_by.start);
	free(tree->included_by.next);
	free(tree->edges);
	free(tree->files);
	free(tree->buf);
	if (tree->pool)
		strpool_free(tree->pool);
}

/*
 * Mark every file reachable from the @nr marked files in @queue (their
 * marks already set) along @adj.  @queue has room for every file.
 * Returns the number of files marked in all.
 */
static size_t mark_reachable(const struct adjacency *adj, bool *marked,
			     uint32_t *queue, size_t nr)
{
	for (size_t head = 0; head < nr; head++) {
		uint32_t f = queue[head];

		for (uint32_t i = adj->start[f]; i < adj->start[f + 1]; i++) {
			uint32_t g = adj->next[i];

			if (!marked[g]) {
				marked[g] = true;
				queue[nr++] = g;
			}
		}
	}
	return nr;
}

/* Options and results of one `includers` run. */
struct includers_run {
	struct scan_tree tree;		/* the scanned tree */
	const char *units_path;		/* -u UNITS, or NULL */
	const char *all_units_path;	/* -a LIST, or NULL */
	bool verbose;			/* -v */
	char **names;			/* the FILE arguments */
	int nr_names;			/* how many */
	uint32_t *seeds;		/* the FILEs found in the tree (indices) */
	size_t nr_seeds;		/* entries of seeds[] */
	bool *affected;			/* per file: includes a FILE (or is one) */
	bool *forced;			/* per file: reached by a forced include */
	uint32_t *queue;		/* BFS queue, one slot per file */
	bool all_units;			/* a FILE reaches every unit */
	size_t nr_units_listed;		/* -u lines naming a file of the tree */
};

/* A FILE argument as a tree-relative path: "./x" and "TREE/x" accepted. */
static const char *tree_relative_arg(const char *root, const char *arg)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (!strncmp(arg, root, n) && arg[n] == '/')
		arg += n + 1;
	return skip_dot_slash(arg);
}

/* Find each FILE in the tree; one that exists but was not scanned adds nothing. */
static int find_seeds(struct includers_run *run)
{
	struct scan_tree *tree = &run->tree;

	run->seeds = calloc((size_t)run->nr_names + 1, sizeof(*run->seeds));
	if (!run->seeds)
		return error_sys(tree->root, "cannot allocate");
	for (int i = 0; i < run->nr_names; i++) {
		const char *rel = tree_relative_arg(tree->root, run->names[i]);
		struct tree_file *file = find_file(tree, rel);
		struct stat st;

		if (file) {
			run->seeds[run->nr_seeds++] = (uint32_t)(file - tree->files);
			continue;
		}
		if (rel[0] == '/' || fstatat(tree->root_fd, rel, &st, 0) || !S_ISREG(st.st_mode))
			return error_obj(run->names[i], "not a file of %s", tree->root);
		if (run->verbose)
			fprintf(stderr, TOOL ": %s: not scanned (not a .c or .h file, or in "
				"a folder that holds no kernel units): no includers\n", rel);
	}
	return 0;
}

/* Mark the files named by the -u list (one path, or "ELF<TAB>path", a line). */
static int mark_listed_units(struct includers_run *run)
{
	struct scan_tree *tree = &run->tree;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f = fopen(run->units_path, "re");

	if (!f)
		return error_sys(run->units_path, "cannot open");
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *path = strrchr(line, '\t');
		struct tree_file *file;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		file = find_file(tree, skip_dot_slash(path ? path + 1 : line));
		if (file && !file->in_units) {
			file->in_units = true;
			run->nr_units_listed++;
		}
	}
	free(line);
	if (ferror(f)) {
		fclose(f);
		return error_sys(run->units_path, "cannot read");
	}
	fclose(f);
	return 0;
}

/* Mark what every unit includes through -include: forced_includes[] and
 * the files they include. */
static void mark_forced_files(struct includers_run *run)
{
	struct scan_tree *tree = &run->tree;
	size_t nr = 0;

	for (size_t i = 0; i < ARRAY_SIZE(forced_includes); i++) {
		struct tree_file *file = find_file(tree, forced_includes[i]);
		uint32_t f;

		if (!file)
			continue;
		f = (uint32_t)(file - tree->files);
		if (!run->forced[f]) {
			run->forced[f] = true;
			run->queue[nr++] = f;
		}
	}
	nr = mark_reachable(&tree->includes, run->forced, run->queue, nr);
	if (run->verbose)
		fprintf(stderr, TOOL ": %zu files reach every unit through -include\n", nr);
	for (size_t i = 0; i < nr; i++)
		debug("every unit includes %s", tree->files[run->queue[i]].path);
}

/* Mark the FILEs and every file that includes one; note a forced FILE. */
static void mark_affected_files(struct includers_run *run)
{
	struct scan_tree *tree = &run->tree;
	size_t nr = 0;

	for (size_t i = 0; i < run->nr_seeds; i++) {
		uint32_t f = run->seeds[i];

		if (run->forced[f]) {
			run->all_units = true;
			if (run->verbose)
				fprintf(stderr, TOOL ": %s is included by every unit "
					"(through -include): all units listed\n",
					tree->files[f].path);
		}
		if (!run->affected[f]) {
			run->affected[f] = true;
			run->queue[nr++] = f;
		}
	}
	nr = mark_reachable(&tree->included_by, run->affected, run->queue, nr);
	if (run->verbose)
		fprintf(stderr, TOOL ": %zu files include a FILE (or are one)\n", nr);
}

static int find_affected(struct includers_run *run)
{
	size_t n = run->tree.nr_files + 1;

	run->affected = calloc(n, sizeof(*run->affected));
	run->forced = calloc(n, sizeof(*run->forced));
	run->queue = calloc(n, sizeof(*run->queue));
	if (!run->affected || !run->forced || !run->queue)
		return error_sys(run->tree.root, "cannot allocate");
	mark_forced_files(run);
	mark_affected_files(run);
	return 0;
}

/* -a LIST: each FILE that reaches every unit, one a line (empty: none). */
static int write_all_units_list(const struct includers_run *run)
{
	FILE *f;
	int bad;

	if (!run->all_units_path)
		return 0;
	f = fopen(run->all_units_path, "we");
	if (!f)
		return error_sys(run->all_units_path, "cannot create");
	for (size_t i = 0; i < run->nr_seeds; i++)
		if (run->forced[run->seeds[i]])
			fprintf(f, "%s\n", run->tree.files[run->seeds[i]].path);
	bad = ferror(f);
	if (fclose(f) || bad)
		return error_sys(run->all_units_path, "cannot write");
	return 0;
}

static int compare_paths(const void *a, const void *b)
{
	const struct tree_file * const *fa = a, * const *fb = b;

	return strcmp((*fa)->path, (*fb)->path);
}

static int print_affected_units(struct includers_run *run)
{
	struct scan_tree *tree = &run->tree;
	const struct tree_file **out;
	size_t nr = 0;

	out = calloc(tree->nr_files + 1, sizeof(*out));
	if (!out)
		return error_sys(tree->root, "cannot allocate");
	for (size_t i = 0; i < tree->nr_files; i++) {
		const struct tree_file *file = &tree->files[i];

		if (!file->is_unit || (run->units_path && !file->in_units))
			continue;
		if (run->all_units || run->affected[i])
			out[nr++] = file;
	}
	qsort(out, nr, sizeof(*out), compare_paths);
	for (size_t i = 0; i < nr; i++)
		printf("%s\n", out[i]->path);
	free(out);
	if (run->verbose)
		fprintf(stderr, TOOL ": %zu units printed%s\n", nr,
			run->units_path ? " (restricted by -u)" : "");
	return 0;
}

static void print_scan_counts(const struct includers_run *run, double seconds)
{
	const struct scan_tree *tree = &run->tree;
	const struct scan_counts *c = &tree->counts;

	fprintf(stderr, TOOL ": %s: %zu files (%.1f MB) scanned, %zu #include lines: "
		"%zu resolved, %zu by path suffix, %zu unresolved, %zu macro includes "
		"ignored; %zu include edges; %.2f s\n", tree->root, tree->nr_files,
		(double)c->bytes / 1e6, c->includes, c->by_search, c->by_suffix,
		c->unresolved, c->macro, tree->nr_edges, seconds);
	if (run->units_path)
		fprintf(stderr, TOOL ": %s: %zu units of the tree listed\n",
			run->units_path, run->nr_units_listed);
}

static int cmd_includers(struct includers_run *run, const char *root)
{
	struct scan_tree *tree = &run->tree;
	double start = now_seconds();
	int err;

	err = scan_tree_open(tree, root);
	err = err ?: index_files(tree);
	err = err ?: find_seeds(run);
	err = err ?: scan_includes(tree);
	err = err ?: build_adjacency(tree, &tree->includes, true);
	err = err ?: build_adjacency(tree, &tree->included_by, false);
	if (!err && run->units_path)
		err = mark_listed_units(run);
	if (!err && run->verbose)
		print_scan_counts(run, now_seconds() - start);
	err = err ?: find_affected(run);
	err = err ?: write_all_units_list(run);
	err = err ?: print_affected_units(run);
	if (!err && run->verbose)
		fprintf(stderr, TOOL ": %.2f s in all\n", now_seconds() - start);
	scan_tree_close(tree);
	free(run->seeds);
	free(run->affected);
	free(run->forced);
	free(run->queue);
	return err;
}

/* ------------------------------------------------------------------ */
/* command line                                                       */
/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kpatch-scan units [-v] ELF...\n"
		"       kpatch-scan includers [-v] [-u UNITS] [-a LIST] TREE FILE...\n"
		"\n"
		"Which translation units of a kernel a patch affects (distro mode of\n"
		"kpatch-build), without compiling anything.\n"
		"\n"
		"units ELF...\n"
		"  Print the source file of every DWARF compile unit of each ELF (a vmlinux\n"
		"  with debug info, module debug files), one 'ELF<TAB>PATH' line each.  PATH\n"
		"  is relative to the kernel tree (a leading ./ or the compile directory is\n"
		"  removed).  Only .c units are listed: not assembler units, not generated\n"
		"  *.mod.c or hidden files.\n"
		"\n"
		"includers TREE FILE...\n"
		"  Print, sorted, every .c file of the kernel source TREE that includes one\n"
		"  of the FILEs (paths relative to TREE: headers, or .c files that other\n"
		"  .c files include) directly or through other headers, and each FILE that\n"
		"  is a .c file itself.  The include lines of every .c and .h file are read\n"
		"  (not Documentation, samples, scripts, tools, usr, hidden folders, nor\n"
		"  other architectures than x86) and resolved like gcc: \"x\" in the\n"
		"  including file's folder, then <x> in arch/x86/include, its generated/,\n"
		"  include, and their uapi/ folders.  #if is ignored and an include that\n"
		"  does not resolve there (a folder's own -I) matches every file whose\n"
		"  path ends in /x, so the list is a superset of the real includers, never\n"
		"  a subset.  When a FILE is one of the headers every unit gets through\n"
		"  -include (linux/kconfig.h, linux/compiler_types.h,\n"
		"  linux/compiler-version.h) or included by them, every unit is printed.\n"
		"  -u UNITS  print only the units listed in the file UNITS (one path a line,\n"
		"            or the ELF<TAB>PATH lines of 'units')\n"
		"  -a LIST   write to the file LIST each FILE that reaches every unit\n"
		"            through -include, one a line (empty when none)\n"
		"\n"
		"  -v, --verbose  counts and times on stderr (twice: each unresolved include)\n"
		"  -h, --help     this text;  --version  the version\n"
		"\n"
		"Exit status: 0 done; 1 error (one line on stderr).\n");
}

/*
 * Options of the subcommands: 0 to go on, 1 when --help was printed, or -1
 * after recording an error.
 */
static int parse_options(int argc, char **argv, struct includers_run *run,
			 bool allow_units)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		CMDLINE_COMMON_OPTIONS,
		{ 0 }
	};
	struct cmdline cl = { TOOL, usage, allow_units ? "a:hu:v" : "hv", opts, false };
	int c, nr_verbose = 0;

	while ((c = cmdline_next(&cl, argc, argv)) >= 0) {
		if (c == 'u')
			run->units_path = optarg;
		else if (c == 'a')
			run->all_units_path = optarg;
		else
			nr_verbose++;
	}
	if (c != CMDLINE_END)
		return c == CMDLINE_EXIT ? 1 : -1;
	run->verbose = nr_verbose > 0;
	log_set_debug(nr_verbose > 1);
	return 0;
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct includers_run run = { 0 };
	const char *cmd;
	int err;

	log_init(TOOL);
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf(TOOL " %s\n", KP_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "units")) {
		err = parse_options(argc - 1, argv + 1, &run, false);
		if (!err && optind + 1 > argc - 1)
			err = error_obj("units", "no ELF file given (try --help)");
		err = err ?: cmd_units(argc - 1 - optind, argv + 1 + optind, run.verbose);
	} else if (!strcmp(cmd, "includers")) {
		err = parse_options(argc - 1, argv + 1, &run, true);
		if (!err && optind + 2 > argc - 1)
			err = error_obj("includers", "need a TREE and a FILE (try --help)");
		if (!err) {
			run.names = argv + 2 + optind;
			run.nr_names = argc - 2 - optind;
			err = cmd_includers(&run, argv[1 + optind]);
		}
	} else {
		err = error_obj(cmd, "unknown subcommand (try --help)");
	}
	if (fflush(stdout) && !err)
		err = error_sys("stdout", "cannot write");
	if (err) {
		log_report_error();
		return 1;
	}
	return 0;
}
