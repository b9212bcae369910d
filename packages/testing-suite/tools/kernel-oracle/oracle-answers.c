// SPDX-License-Identifier: MIT
/*
 * kernel-oracle's answer commands, #included by oracle.c after the kernel's
 * lib/maple_tree.c and the shared helpers (parse_index, print_entry, ...):
 * the normal API's reads and searches, the writes that answer more than a
 * shape, and one ma_state per tree. tools/kernel-oracle/answers.ts compares
 * their output with @maple-tree/core's (src/answers/replay.ts).
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
 *
 * Where 6.12 would crash or answers outside its own contract, the script is
 * stopped ("stop REASON", see stop_script); a few calls are answered "skip"
 * on both sides (see skips_no_node_tree and run_tree_call's prev).
 *
 * This file is ours (MIT) and holds no kernel code.
 */

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
