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
 * Reads and searches (normal API), one answer line each (E is an entry: its
 * value, or N for NULL):
 *   load I                mtree_load -> "E"
 *   find I MAX            mt_find(&I, MAX) -> "E I'" (I' is *index after the call)
 *   next I MAX            mt_next -> "E";  prev I MIN: mt_prev -> "E"
 *   insert FIRST LAST V   mtree_insert_range -> "NODES HEIGHT" or "err CODE"
 *   alloc SIZE MIN MAX V  mtree_alloc_range -> "START NODES HEIGHT" or "err CODE"
 *   ralloc SIZE MIN MAX V mtree_alloc_rrange, the same
 * One ma_state per tree (MA_STATE(mas, tree, 0, 0) when the tree is made):
 *   mas_set I | mas_set_range F L | mas_reset | mas_pause        -> "ok"
 *   mas_walk | mas_find MAX | mas_find_rev MIN | mas_next MAX | mas_prev MIN |
 *   mas_next_range MAX | mas_prev_range MIN                     -> "E INDEX LAST"
 *   mas_empty_area MIN MAX SIZE | mas_empty_area_rev MIN MAX SIZE
 *                         -> "INDEX LAST" on success, else "err CODE"
 *   mas_store V           mas_store_gfp over [index, last] -> "INDEX LAST NODES HEIGHT"
 *                         or "err CODE"
 *   mas_erase             -> "E INDEX LAST NODES HEIGHT"
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
static void stop_script(const char *reason);

/* The tree's one cursor, made with it: MA_STATE(mas, &tree, 0, 0). */
static struct ma_state mas;
/*
 * A write through the normal API since the cursor was last set, reset or
 * paused: its node may be gone, so stepping from it is not defined.
 */
static bool mas_stale;
/* The cursor was set or reset (status ma_start) and has not moved since. */
static bool mas_fresh = true;
/* The script was stopped ("stop ..." printed): its lines are skipped until the next tree. */
static bool stopped;
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

static unsigned long next_index(void)
{
	return parse_index(strtok(NULL, " \t\n"));
}

static void *next_entry(void)
{
	return parse_entry(strtok(NULL, " \t\n"));
}

/* "NODES HEIGHT": the tree after a write. */
static void print_shape(void)
{
	printf("%lu %u", tree_nodes(), mt_height(&tree));
}

/*
 * True when the cursor answered an entry with a range that is not the
 * entry's: 6.12's mas_prev_slot takes the previous range's last as
 * mas->index - 1, which after mas_empty_area(_rev) is the fit's start, not
 * the start of the empty range the fit lies in.
 */
static bool wrong_range(void *entry)
{
	MA_STATE(check, &tree, mas.index, mas.index);

	if (!entry)
		return false;
	mas_walk(&check);
	return check.index != mas.index || check.last != mas.last;
}

/* "E INDEX LAST": an answer of the cursor. */
static void print_mas_answer(void *entry)
{
	print_entry(entry);
	printf(" ");
	print_index(mas.index);
	printf(" ");
	print_index(mas.last);
}

/* The tree holds one entry, at index 0, in the root itself (no node). */
static bool root_entry_only(void)
{
	void *root = rcu_dereference(tree.ma_root);

	return root && !xa_is_node(root);
}

/*
 * True when a gap search over a window reaching ULONG_MAX failed although the
 * same search one index lower finds room: 6.12 computes the room left in the
 * window as mas->last - min + 1, which wraps to 0 for a window reaching
 * ULONG_MAX and a gap starting at 0 (mas_rev_awalk; mas_anode_descend's gap
 * of a leaf slot the same way), and the gap of a leaf's one empty slot
 * [0, ULONG_MAX] (a tree whose entries were all erased) is 0 too; it then
 * reports -EBUSY. The script stops.
 */
static bool wrapped_miss(int ret, unsigned long min, unsigned long max, unsigned long size, bool rev)
{
	MA_STATE(probe, &tree, 0, 0);

	if (ret != -EBUSY)
		return false;
	/* A node whose one slot is an empty [0, ULONG_MAX]: the gap itself wraps to 0. */
	if (!mas_find(&probe, ULONG_MAX))
		return true;
	if (max != ULONG_MAX || min == max)
		return false;
	mas_reset(&probe);
	if (rev)
		return mas_empty_area_rev(&probe, min, max - 1, size) == 0;
	return mas_empty_area(&probe, min, max - 1, size) == 0;
}

/*
 * A step's answer, unless its range is wrong or lies past the step's bound
 * (6.12's mas_prev and mas_find_rev answer the entry at 0 kept in the root
 * whatever their min): then the script stops there.
 */
static void answer_step(void *entry, unsigned long bound, bool fwd)
{
	if (wrong_range(entry))
		stop_script("wrong-range");
	else if (entry && (fwd ? mas.index > bound : mas.last < bound))
		stop_script("out-of-bounds");
	else
		print_mas_answer(entry);
}

/*
 * The normal API's reads and searches, and the writes that answer more than
 * a shape (insert, alloc, ralloc). Returns false for a command it does not know.
 */
static bool run_tree_call(const char *cmd)
{
	unsigned long a, b, c;
	void *entry;
	int ret;

	if (strcmp(cmd, "insert") == 0 || strcmp(cmd, "alloc") == 0 || strcmp(cmd, "ralloc") == 0)
		mas_stale = true;
	if (strcmp(cmd, "load") == 0) {
		print_entry(mtree_load(&tree, next_index()));
	} else if (strcmp(cmd, "find") == 0) {
		a = next_index();
		b = next_index();
		entry = mt_find(&tree, &a, b);
		print_entry(entry);
		printf(" ");
		print_index(a);
	} else if (strcmp(cmd, "next") == 0 || strcmp(cmd, "prev") == 0) {
		bool fwd = cmd[0] == 'n';

		a = next_index();
		b = next_index();
		/*
		 * On a tree whose only entry is index 0, kept in the root,
		 * 6.12's mt_prev(index, min) answers that entry even when
		 * min > 0 (mas_prev_setup's ma_none case takes the root
		 * without looking at min). Not compared: "skip", as core's side.
		 */
		if (!fwd && root_entry_only() && a > b && b > 0)
			printf("skip");
		else
			print_entry(fwd ? mt_next(&tree, a, b) : mt_prev(&tree, a, b));
	} else if (strcmp(cmd, "insert") == 0) {
		a = next_index();
		b = next_index();
		entry = next_entry();
		ret = mtree_insert_range(&tree, a, b, entry, GFP_KERNEL);
		if (ret)
			printf("err %d", ret);
		else
			print_shape();
	} else if (strcmp(cmd, "alloc") == 0 || strcmp(cmd, "ralloc") == 0) {
		unsigned long start = 0;

		a = next_index();
		b = next_index();
		c = next_index();
		entry = next_entry();
		if (cmd[0] == 'a')
			ret = mtree_alloc_range(&tree, &start, entry, a, b, c, GFP_KERNEL);
		else
			ret = mtree_alloc_rrange(&tree, &start, entry, a, b, c, GFP_KERNEL);
		if (mt_is_alloc(&tree) && wrapped_miss(ret, b, c, a, cmd[0] == 'r')) {
			stop_script("wrapped-gap");
			return true;
		}
		if (ret) {
			printf("err %d", ret);
		} else {
			print_index(start);
			printf(" ");
			print_shape();
		}
	} else {
		return false;
	}
	printf("\n");
	return true;
}

/*
 * Refuses the cursor calls the kernel leaves undefined or that mean something
 * else than a search from scratch: a step after a write through the normal
 * API that was not followed by mas_set / mas_reset / mas_pause (mas_walk and
 * mas_erase walk from the root and need none), and mas_empty_area(_rev) on a
 * cursor not just set or reset (on an active one it continues a previous
 * search from the node the cursor is on).
 */
static void check_cursor(const char *cmd)
{
	bool settles = strcmp(cmd, "mas_set") == 0 || strcmp(cmd, "mas_set_range") == 0 ||
		       strcmp(cmd, "mas_reset") == 0 || strcmp(cmd, "mas_pause") == 0;
	bool walks = strcmp(cmd, "mas_walk") == 0 || strcmp(cmd, "mas_erase") == 0;

	if (settles || walks) {
		mas_stale = false;
		mas_fresh = settles && strcmp(cmd, "mas_pause") != 0;
		return;
	}
	if (mas_stale)
		die("cursor used after a tree write without mas_set/mas_reset/mas_pause", cmd);
	if (strncmp(cmd, "mas_empty_area", 14) == 0 && !mas_fresh)
		die("mas_empty_area needs a cursor just set or reset", cmd);
	mas_fresh = false;
}

/*
 * True when 6.12 would step from no node: a cursor that ran into its bound
 * straight after mas_set / mas_reset / mas_pause (the bound is checked before
 * any walk, so mas->node is still NULL) and is then stepped the same way with
 * a wider bound goes to mas_next_slot / mas_prev_slot with that NULL node, and
 * mas_find_rev does so after either. The kernel would crash; the oracle stops
 * the script there instead (see stop_script).
 */
static bool steps_from_no_node(const char *cmd, unsigned long bound)
{
	bool fwd = strcmp(cmd, "mas_next") == 0 || strcmp(cmd, "mas_next_range") == 0;
	bool back = strcmp(cmd, "mas_prev") == 0 || strcmp(cmd, "mas_prev_range") == 0;
	bool rev = strcmp(cmd, "mas_find_rev") == 0;

	if (mas.node)
		return false;
	if (fwd)
		return mas_is_overflow(&mas) && mas.last < bound;
	if (back)
		return mas_is_underflow(&mas) && mas.index > bound;
	if (rev)
		return (mas_is_underflow(&mas) || mas_is_overflow(&mas)) && mas.index > bound;
	return false;
}

/*
 * mas_store on a tree with no node (empty, or one entry at index 0 kept in
 * the root) is not made: the oracle answers "skip", and so does the core
 * side. 6.12 leaves the cursor at ma_start after storing an entry at 0 in
 * the root, so the next mas_find answers that entry again, and after
 * expanding the root into a leaf (mas_root_expand) without setting mas->end,
 * so the next steps answer nothing and stay where they are.
 */
static bool skips_no_node_tree(const char *cmd)
{
	if (xa_is_node(rcu_dereference(tree.ma_root)))
		return false;
	return strcmp(cmd, "mas_store") == 0;
}

/* Prints "stop REASON" and skips the rest of the script (its lines up to the next tree). */
static void stop_script(const char *reason)
{
	printf("stop %s\n", reason);
	stopped = true;
}

/* The cursor's calls ("mas_..."). Returns false for a command it does not know. */
static bool run_mas_call(const char *cmd)
{
	unsigned long a, b, c;
	void *entry;
	int ret;

	if (strncmp(cmd, "mas_", 4) == 0) {
		check_cursor(cmd);
		if (skips_no_node_tree(cmd)) {
			printf("skip\n");
			return true;
		}
	}
	if (strcmp(cmd, "mas_set") == 0) {
		mas_set(&mas, next_index());
		printf("ok");
	} else if (strcmp(cmd, "mas_set_range") == 0) {
		a = next_index();
		mas_set_range(&mas, a, next_index());
		printf("ok");
	} else if (strcmp(cmd, "mas_reset") == 0) {
		mas_reset(&mas);
		printf("ok");
	} else if (strcmp(cmd, "mas_pause") == 0) {
		mas_pause(&mas);
		printf("ok");
	} else if (strcmp(cmd, "mas_walk") == 0) {
		print_mas_answer(mas_walk(&mas));
	} else if (strcmp(cmd, "mas_find") == 0) {
		a = next_index();
		answer_step(mas_find(&mas, a), a, true);
	} else if (strcmp(cmd, "mas_find_rev") == 0) {
		a = next_index();
		if (steps_from_no_node(cmd, a)) {
			stop_script("null-node");
			return true;
		}
		answer_step(mas_find_rev(&mas, a), a, false);
	} else if (strcmp(cmd, "mas_next") == 0) {
		a = next_index();
		if (steps_from_no_node(cmd, a)) {
			stop_script("null-node");
			return true;
		}
		answer_step(mas_next(&mas, a), a, true);
	} else if (strcmp(cmd, "mas_prev") == 0) {
		a = next_index();
		if (steps_from_no_node(cmd, a)) {
			stop_script("null-node");
			return true;
		}
		answer_step(mas_prev(&mas, a), a, false);
	} else if (strcmp(cmd, "mas_next_range") == 0) {
		a = next_index();
		if (steps_from_no_node(cmd, a)) {
			stop_script("null-node");
			return true;
		}
		answer_step(mas_next_range(&mas, a), a, true);
	} else if (strcmp(cmd, "mas_prev_range") == 0) {
		a = next_index();
		if (steps_from_no_node(cmd, a)) {
			stop_script("null-node");
			return true;
		}
		answer_step(mas_prev_range(&mas, a), a, false);
	} else if (strcmp(cmd, "mas_empty_area") == 0 || strcmp(cmd, "mas_empty_area_rev") == 0) {
		unsigned long index = mas.index, last = mas.last;

		a = next_index();
		b = next_index();
		c = next_index();
		if (strcmp(cmd, "mas_empty_area") == 0)
			ret = mas_empty_area(&mas, a, b, c);
		else
			ret = mas_empty_area_rev(&mas, a, b, c);
		if (wrapped_miss(ret, a, b, c, strcmp(cmd, "mas_empty_area_rev") == 0)) {
			stop_script("wrapped-gap");
			return true;
		}
		if (ret) {
			/*
			 * A failed search may leave the cursor in an error state
			 * (mas->node an error) that only mas_set / mas_reset clear,
			 * and mas_store from it dereferences that error. Callers
			 * set the cursor again; so does the oracle: it puts the
			 * cursor back as it was before the call (the scripts only
			 * search from a cursor just set or reset), which is where
			 * core's failed search leaves its cursor.
			 */
			mas_set_range(&mas, index, last);
			printf("err %d", ret);
		} else {
			print_index(mas.index);
			printf(" ");
			print_index(mas.last);
		}
	} else if (strcmp(cmd, "mas_store") == 0) {
		/* The writes hold the tree's lock, as the kernel asks (mas_nomem drops and retakes it). */
		entry = next_entry();
		mtree_lock(&tree);
		ret = mas_store_gfp(&mas, entry, GFP_KERNEL);
		mtree_unlock(&tree);
		if (ret) {
			printf("err %d", ret);
		} else {
			print_index(mas.index);
			printf(" ");
			print_index(mas.last);
			printf(" ");
			print_shape();
		}
	} else if (strcmp(cmd, "mas_erase") == 0) {
		mtree_lock(&tree);
		entry = mas_erase(&mas);
		mtree_unlock(&tree);
		print_mas_answer(entry);
		printf(" ");
		print_shape();
	} else {
		return false;
	}
	printf("\n");
	return true;
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
