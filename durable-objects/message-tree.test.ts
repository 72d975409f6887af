// The tree behind versions and branches (issue 22, item 1): paths, versions, the newest message under a fork.
import { describe, expect, it } from 'vitest';
import { MessageTree, type TreeNode } from './message-tree.ts';

const node = (id: string, parentId: string | null): TreeNode => ({ id, parentId });

// q1 ─ r1 ─ q2 ─ r2
//            └── r2b        (a regenerate)
// q1b ─ r1b                 (an edit of the first message)
const tree = new MessageTree([
  node('q1', null),
  node('r1', 'q1'),
  node('q2', 'r1'),
  node('r2', 'q2'),
  node('r2b', 'q2'),
  node('q1b', null),
  node('r1b', 'q1b'),
]);
const ids = (nodes: TreeNode[]) => nodes.map((n) => n.id);

describe('MessageTree', () => {
  it('reads the branch ending at a leaf, and the newest message’s branch without one', () => {
    expect(ids(tree.branch('r2'))).toEqual(['q1', 'r1', 'q2', 'r2']);
    expect(ids(tree.branch(null))).toEqual(['q1b', 'r1b']);
    expect(ids(tree.branch('gone'))).toEqual(['q1b', 'r1b']);
    expect(ids(tree.pathTo('gone'))).toEqual([]);
    expect(ids(new MessageTree([]).branch(null))).toEqual([]);
  });

  it('counts the versions of a message among those with the same parent, oldest first; first messages are versions of each other', () => {
    expect(tree.siblings('r2b')).toEqual({ index: 1, count: 2, ids: ['r2', 'r2b'] });
    expect(tree.siblings('q1')).toEqual({ index: 0, count: 2, ids: ['q1', 'q1b'] });
    expect(tree.siblings('r1')).toEqual({ index: 0, count: 1, ids: ['r1'] });
  });

  it('finds the newest message under a message, itself when it has none below', () => {
    expect(tree.latestUnder('q1')?.id).toBe('r2b');
    expect(tree.latestUnder('r2')?.id).toBe('r2');
    expect(tree.latestUnder('q1b')?.id).toBe('r1b');
    expect(tree.latestUnder('nope')).toBeUndefined();
  });

  it('reads a message whose parent it does not hold as a first message, rather than losing it', () => {
    const orphaned = new MessageTree([node('a', null), node('b', 'missing')]);
    expect(ids(orphaned.branch('b'))).toEqual(['b']);
    expect(orphaned.siblings('b')).toEqual({ index: 1, count: 2, ids: ['a', 'b'] });
  });
});
