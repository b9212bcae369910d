// SPDX-License-Identifier: MIT
/*
 * kernel-oracle: replays a script of maple tree operations on the Linux
 * kernel's own maple tree (lib/maple_tree.c, built in userspace the way the
 * kernel's tools/testing does) and prints, after each operation, how many
 * nodes the tree has and its height, and on request a canonical picture of
 * every node. compare.ts feeds it the same scripts it runs through
 * @maple-tree/core and compares the answers.
 *
 * This file is ours (MIT). It contains no kernel code: build.sh compiles it
 * against a kernel tree, where the #include below pulls in lib/maple_tree.c
 * (GPL-2.0+) at build time, so the binary it makes is not for distribution.
 *
 * Script, one command a line (blank lines and lines starting with # are skipped):
 *   tree [alloc] [rcu]    start a new, empty tree (mt_init_flags with
 *                         MT_FLAGS_ALLOC_RANGE / MT_FLAGS_USE_RCU); prints "tree"
 *   store FIRST LAST V    mtree_store_range(FIRST, LAST, xa_mk_value(V)), or
 *                         NULL when V is "null"; prints "NODES HEIGHT",
 *                         or "err CODE" when the store fails
 *   erase INDEX           mtree_erase(INDEX); prints "NODES HEIGHT OLD" where
 *                         OLD is the erased value or N
 *   dump                  prints one line per node (see dump_node), then "end"
 *   validate              runs mt_validate() (the kernel's own checks; it
 *                         prints and aborts on a broken tree); prints "valid"
 *
 * The calls that answer something (mtree_load, mt_find, the allocations, the
 * cursor calls, ...) are in oracle-answers.c, #included below.
 *
 * Indices are decimal; "max" stands for ULONG_MAX and "max-K" for ULONG_MAX - K
 * (printed so for every index from 2^63 up). A malformed line is reported on
 * stderr and ends the run with status 2.
 */
#include "maple-shared.h"

#ifndef ORACLE_RCU_FREE
/*
 * Nodes the kernel frees after an RCU grace period (call_rcu: a replaced
 * node, a subtree a spanning store cut off, a destroyed RCU tree) are leaked
 * instead. Freeing never changes a tree's shape, and in this userspace build
 * the deferred free walk (mt_free_walk on liburcu's callback thread) is not
 * safe on every sequence: with --asan it reports a double free after some
 * spanning stores on RCU trees (see the README). Build with
 * CFLAGS=-DORACLE_RCU_FREE to keep the kernel's frees.
 */
static void skip_rcu_free(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
}
#undef call_rcu
#define call_rcu skip_rcu_free

#ifdef __SANITIZE_ADDRESS__
/* Those nodes are leaked on purpose: AddressSanitizer need not list them. */
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif
#endif

#include "maple_tree.c"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The node layout of a 64-bit kernel, the one @maple-tree/core implements. */
_Static_assert(MAPLE_RANGE64_SLOTS == 16 && MAPLE_ARANGE64_SLOTS == 10,
	       "built without CONFIG_64BIT: see build.sh");

static struct maple_tree tree;
static bool have_tree;
static unsigned long line_no;

static void die(const char *what, const char *text)
{
	fprintf(stderr, "kernel-oracle: line %lu: %s: %s\n", line_no, what, text);
	exit(2);
}

/* A decimal index, "max" for ULONG_MAX, or "max-K" for ULONG_MAX - K. */
static unsigned long parse_index(const char *text)
{
	char *end;
	unsigned long value;

	if (!text)
		die("missing index", "");
	if (strcmp(text, "max") == 0)
		return ULONG_MAX;
	if (strncmp(text, "max-", 4) == 0) {
		errno = 0;
		value = strtoul(text + 4, &end, 10);
		if (errno || *end || end == text + 4 || text[4] == '-' || value >= (1UL << 63))
			die("bad index", text);
		return ULONG_MAX - value;
	}
	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || *end || end == text || text[0] == '-')
		die("bad index", text);
	return value;
}

/* The entry for a value token: NULL for "null", else an xarray value entry. */
static void *parse_entry(const char *text)
{
	unsigned long value;

	if (!text)
		die("missing value", "");
	if (strcmp(text, "null") == 0)
		return NULL;
	value = parse_index(text);
	if (value > LONG_MAX)
		die("value too large", text);
	return xa_mk_value(value);
}

static void print_entry(void *entry)
{
	if (!entry)
		printf("N");
	else if (xa_is_value(entry))
		printf("%lu", xa_to_value(entry));
	else
		printf("?%p", entry);
}

static void print_index(unsigned long index)
{
	if (index == ULONG_MAX)
		printf("max");
	else if (index >= (1UL << 63))
		printf("max-%lu", ULONG_MAX - index);
	else
		printf("%lu", index);
}

/* Nodes under (and including) the encoded node @enode. */
static unsigned long count_nodes(struct maple_enode *enode, unsigned long max)
{
	struct maple_node *node = mte_to_node(enode);
	enum maple_type type = mte_node_type(enode);
	unsigned long *pivots = ma_pivots(node, type);
	void __rcu **slots = ma_slots(node, type);
	unsigned char end, i;
	unsigned long total = 1, child_max;

	if (ma_is_leaf(type))
		return 1;
	end = ma_data_end(node, type, pivots, max);
	for (i = 0; i <= end; i++) {
		child_max = i < end ? pivots[i] : max;
		total += count_nodes(mt_slot(&tree, slots, i), child_max);
	}
	return total;
}

static unsigned long tree_nodes(void)
{
	void *root = rcu_dereference(tree.ma_root);

	if (!xa_is_node(root))
		return 0;
	return count_nodes(root, ULONG_MAX);
}

static const char *type_name(enum maple_type type)
{
	switch (type) {
	case maple_leaf_64:
		return "leaf_64";
	case maple_range_64:
		return "range_64";
	case maple_arange_64:
		return "arange_64";
	default:
		return "dense";
	}
}

/*
 * One line per node, depth first with children in slot order:
 *   DEPTH TYPE MIN MAX | PIVOTS | SLOTS [| gaps GAPS meta OFFSET]
 * PIVOTS are the inclusive upper bounds of the used slots (the last one is
 * the node's MAX); SLOTS are the entries of a leaf (N for NULL) or "*" per
 * child; arange_64 nodes add their gap array and the metadata's gap slot.
 */
static void dump_node(struct maple_enode *enode, unsigned long min, unsigned long max,
		      unsigned int depth)
{
	struct maple_node *node = mte_to_node(enode);
	enum maple_type type = mte_node_type(enode);
	unsigned long *pivots = ma_pivots(node, type);
	void __rcu **slots = ma_slots(node, type);
	unsigned char end = ma_data_end(node, type, pivots, max);
	unsigned char i;
	unsigned long lo;

	printf("%u %s ", depth, type_name(type));
	print_index(min);
	printf(" ");
	print_index(max);
	printf(" |");
	for (i = 0; i <= end; i++) {
		printf(" ");
		print_index(i < end ? pivots[i] : max);
	}
	printf(" |");
	for (i = 0; i <= end; i++) {
		printf(" ");
		if (ma_is_leaf(type))
			print_entry(mt_slot(&tree, slots, i));
		else
			printf("*");
	}
	if (type == maple_arange_64) {
		unsigned long *gaps = ma_gaps(node, type);

		printf(" | gaps");
		for (i = 0; i <= end; i++)
			printf(" %lu", gaps[i]);
		printf(" meta %u", ma_meta_gap(node));
	}
	printf("\n");
	if (ma_is_leaf(type))
		return;
	lo = min;
	for (i = 0; i <= end; i++) {
		unsigned long hi = i < end ? pivots[i] : max;

		dump_node(mt_slot(&tree, slots, i), lo, hi, depth + 1);
		lo = hi + 1;
	}
}

static void dump_tree(void)
{
	void *root = rcu_dereference(tree.ma_root);

	if (!root) {
		printf("empty\n");
	} else if (!xa_is_node(root)) {
		printf("root ");
		print_entry(root);
		printf("\n");
	} else {
		dump_node(root, 0, ULONG_MAX, 0);
	}
	printf("end\n");
}

/*
 * The answer commands. One translation unit with the kernel's maple_tree.c
 * (included above): they call its static functions too.
 */
#include "oracle-answers.c"

/*
 * Frees the current tree, if any. An RCU-mode tree leaves RCU mode first: in
 * this userspace build, mtree_destroy() of an RCU tree of height 4 or more
 * crashes in the deferred free (mt_free_walk, on liburcu's callback thread),
 * and nothing reads the tree any more anyway. Output is flushed first, so a
 * crash there would not lose any.
 */
static void destroy_tree(void)
{
	fflush(stdout);
	if (!have_tree)
		return;
	mas_destroy(&mas);
	mt_clear_in_rcu(&tree);
	mtree_destroy(&tree);
	have_tree = false;
}

static void new_tree(char *rest)
{
	unsigned int flags = 0;
	char *word;

	while ((word = strtok(rest, " \t\n"))) {
		rest = NULL;
		if (strcmp(word, "alloc") == 0)
			flags |= MT_FLAGS_ALLOC_RANGE;
		else if (strcmp(word, "rcu") == 0)
			flags |= MT_FLAGS_USE_RCU;
		else
			die("unknown tree flag", word);
	}
	destroy_tree();
	mt_init_flags(&tree, flags);
	{
		MA_STATE(fresh, &tree, 0, 0);

		mas = fresh;
	}
	mas_stale = false;
	mas_fresh = true;
	stopped = false;
	have_tree = true;
	printf("tree\n");
}


static void run_line(char *line)
{
	char *cmd = strtok(line, " \t\n");

	if (!cmd || cmd[0] == '#')
		return;
	if (strcmp(cmd, "tree") == 0) {
		new_tree(strtok(NULL, ""));
		return;
	}
	if (stopped)
		return;
	if (!have_tree)
		die("no tree yet (start with 'tree')", cmd);
	if (strcmp(cmd, "store") == 0 || strcmp(cmd, "erase") == 0)
		mas_stale = true;
	if (strcmp(cmd, "store") == 0) {
		unsigned long first = parse_index(strtok(NULL, " \t\n"));
		unsigned long last = parse_index(strtok(NULL, " \t\n"));
		void *entry = parse_entry(strtok(NULL, " \t\n"));
		int ret = mtree_store_range(&tree, first, last, entry, GFP_KERNEL);

		if (ret)
			printf("err %d\n", ret);
		else
			printf("%lu %u\n", tree_nodes(), mt_height(&tree));
	} else if (strcmp(cmd, "erase") == 0) {
		unsigned long index = parse_index(strtok(NULL, " \t\n"));
		void *old = mtree_erase(&tree, index);

		printf("%lu %u ", tree_nodes(), mt_height(&tree));
		print_entry(old);
		printf("\n");
	} else if (strcmp(cmd, "dump") == 0) {
		dump_tree();
	} else if (strcmp(cmd, "validate") == 0) {
		mt_validate(&tree);
		printf("valid\n");
	} else if (!run_tree_call(cmd) && !run_mas_call(cmd)) {
		die("unknown command", cmd);
	}
}

int main(void)
{
	char line[256];

	rcu_register_thread();
	maple_tree_init();
	while (fgets(line, sizeof(line), stdin)) {
		line_no++;
		if (!strchr(line, '\n') && !feof(stdin))
			die("line too long", line);
		run_line(line);
	}
	destroy_tree();
	rcu_barrier();
	rcu_unregister_thread();
	return 0;
}
