// A conversation's messages as a tree: each message has a parent (null for a first message), a
// regenerate adds a sibling reply, an edit a sibling user message. The branch in view is the path
// from a root to one leaf. Pure, over what the room's SQLite holds, in the order it was stored
// (a parent is always stored before its children).
import type { Siblings } from '../worker/chat/room-contract.ts';

export type TreeNode = { id: string; parentId: string | null };

export class MessageTree<T extends TreeNode> {
  private readonly byId = new Map<string, { node: T; order: number }>();
  private readonly children = new Map<string | null, T[]>();

  /** `nodes` in the order they were stored. */
  constructor(readonly nodes: readonly T[]) {
    nodes.forEach((node, order) => {
      this.byId.set(node.id, { node, order });
      // A parent this room does not have reads as a root rather than losing the message.
      const parent = node.parentId !== null && this.byId.has(node.parentId) ? node.parentId : null;
      const siblings = this.children.get(parent);
      if (siblings) siblings.push(node);
      else this.children.set(parent, [node]);
    });
  }

  get(id: string): T | undefined {
    return this.byId.get(id)?.node;
  }

  /** The newest message of the subtree under `id` (itself included): always a leaf, as children are stored after parents. */
  latestUnder(id: string): T | undefined {
    const start = this.byId.get(id);
    if (!start) return undefined;
    let latest = start;
    const stack = [start.node];
    for (let node = stack.pop(); node; node = stack.pop()) {
      for (const child of this.children.get(node.id) ?? []) {
        const entry = this.byId.get(child.id)!;
        if (entry.order > latest.order) latest = entry;
        stack.push(child);
      }
    }
    return latest.node;
  }

  /** The branch ending at `leafId`, first message first; the newest message's branch when `leafId` is not (or no longer) here. */
  branch(leafId: string | null): T[] {
    return this.pathTo((leafId ? this.get(leafId) : undefined)?.id ?? this.nodes.at(-1)?.id ?? null);
  }

  /** The messages from a first message down to `id`, first message first; none for null or an id not here. */
  pathTo(id: string | null): T[] {
    let node = id === null ? undefined : this.get(id);
    const path: T[] = [];
    while (node) {
      path.push(node);
      node = node.parentId === null ? undefined : this.get(node.parentId);
    }
    return path.reverse();
  }

  /** `id` among the messages with the same parent, oldest first. */
  siblings(id: string): Siblings {
    const node = this.get(id);
    const parent = node?.parentId && this.byId.has(node.parentId) ? node.parentId : null;
    const ids = (this.children.get(parent) ?? []).map((sibling) => sibling.id);
    return { index: Math.max(0, ids.indexOf(id)), count: Math.max(1, ids.length), ids: ids.length > 0 ? ids : [id] };
  }
}
