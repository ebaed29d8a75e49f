"""Rows of ids grouped by shared prefixes, so that an encoder reads each distinct prefix once.

An encoder LSTM starts every row from the same zero state, so two rows whose first k ids agree pass
through the same k states: the work (and, summed, the gradient) of those steps can be done once for
both. With the book's reversed input every question shorter than the model's width starts with its
padding, so a training batch of the book's file has only about half as many distinct (prefix, step)
pairs as rows times steps; the built-in generator's, with its wider inputs, about 40%.

The distinct prefixes of length t + 1 are the tree's *columns at step t*; columns are numbered step by
step (all of step 0, then all of step 1, ...), and within a step in the lexicographic order of the rows.
Every column of step t >= 1 extends one column of step t - 1, its parent; as rows are sorted, the
children of one parent are neighbours, so summing over children is one np.add.reduceat.

    tree = PrefixTree(ids)                 # ids (N, S)
    tree.ids                               # (R,) the id each column reads
    tree.rows(per_column)                  # (R, ...) -> (N, S, ...): each row's value at each step
    tree.sum_rows(per_row)                 # (N, S, ...) -> (R, ...): summed over the rows of a column
"""
import numpy as np


class PrefixTree:
    """Distinct prefixes of the rows of ids (N, S), step by step; see the module's docstring.

    For step t: ``offsets[t]`` is its first column, ``counts[t]`` its number of columns;
    ``parents[t]`` (counts[t],) the parent of each column among step t - 1's (numbered from 0 there),
    ``first_children[t]`` where each parent's children begin (None when no prefix branches at step t:
    then parents[t] is the identity). Step 0's parents are None: every prefix starts from the zero state.
    """

    def __init__(self, ids):
        N, S = ids.shape
        self.shape = (N, S)
        order = np.lexsort(ids.T[::-1])   # sorts by column 0, then 1, ...: rows sharing a prefix adjoin
        ordered = ids[order]
        # new[n, t]: sorted row n begins a new prefix of length t + 1 (it differs from row n - 1 up to t)
        new = np.ones((N, S), dtype=bool)
        new[1:] = np.logical_or.accumulate(ordered[1:] != ordered[:-1], axis=1)
        local = np.cumsum(new, axis=0) - 1                    # each sorted row's column within step t
        self.counts = local[-1] + 1                           # (S,)
        self.offsets = np.concatenate(([0], np.cumsum(self.counts)[:-1]))
        self.size = int(self.counts.sum())
        self._starts = [np.flatnonzero(new[:, t]) for t in range(S)]   # the first sorted row of each column
        self.ids = np.concatenate([ordered[first, t] for t, first in enumerate(self._starts)])
        self.parents, self.first_children = [None], [None]
        for t in range(1, S):
            parents = local[self._starts[t], t - 1]
            branches = self.counts[t] > self.counts[t - 1]
            self.parents.append(parents)
            self.first_children.append(np.flatnonzero(np.diff(parents, prepend=-1)) if branches else None)
        index = np.empty((N, S), dtype=np.int64)
        index[order] = local + self.offsets   # the column of row n at step t, rows in their given order
        self.index = index
        self._order = order
        # where each column's rows begin in the (S, N) step-major list of sorted rows, for sum_rows
        self._segments = np.concatenate([t * N + first for t, first in enumerate(self._starts)])

    def rows(self, per_column):
        """(R, ...) values per column -> (N, S, ...) per row and step."""
        return per_column[self.index]

    def sum_rows(self, per_row):
        """(N, S, ...) values per row and step -> (R, ...) summed over the rows that share each column."""
        N, S = self.shape
        step_major = per_row[self._order].swapaxes(0, 1).reshape(N * S, *per_row.shape[2:])
        return np.add.reduceat(step_major, self._segments, axis=0)

    def step(self, t):
        """The slice of step t's columns."""
        return slice(int(self.offsets[t]), int(self.offsets[t] + self.counts[t]))
