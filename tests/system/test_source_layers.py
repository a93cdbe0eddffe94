"""The layers of doc/architecture.md ("Who may call whom") as the sources have them: each
folder of src/ includes only the folders its row allows, and no two .c files use each
other, directly or round a circle (A.c uses B.c when A.c, or a header A.c reaches through
headers of its own folder, includes B.h). Read from the source tree; no build needed."""
import os
import re

from conftest import SRCDIR

# The table of doc/architecture.md: a folder may include its own headers and these.
ALLOWED = {
    "common": set(),
    "p11": {"common"},
    "enroll": {"p11", "common"},
    "desk": {"enroll", "p11", "common"},
    "tui": {"common"},
    "cli": {"enroll", "common"},
    "ncaenroll": {"tui", "cli", "enroll", "common"},
    "ncaenroll-ra": {"tui", "cli", "desk", "common"},
    "ncaenrolld": {"p11", "common"},
    "ncaenroll-pdf": {"common"},
}

INCLUDE = re.compile(r'^#include "([a-z0-9-]+/[a-z0-9_-]+)\.h"', re.M)


def sources():
    """{"folder/name.c" or ".h": [included "folder/name", ...]} for every file under src/."""
    top = os.path.join(SRCDIR, "src")
    found = {}
    for folder in sorted(os.listdir(top)):
        path = os.path.join(top, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith((".c", ".h")):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    found[folder + "/" + name] = INCLUDE.findall(f.read())
    return found


def uses(files):
    """{"folder/stem": {"folder/stem", ...}}: which .c files each .c file uses."""
    stems = {f[:-2] for f in files if f.endswith(".c")}

    def reached(header, seen):
        # A header's own includes count for whoever includes it.
        if header in seen or header + ".h" not in files:
            return
        seen.add(header)
        for h in files[header + ".h"]:
            reached(h, seen)

    graph = {}
    for stem in stems:
        seen = set()
        for h in files[stem + ".c"]:
            reached(h, seen)
        graph[stem] = {h for h in seen if h in stems and h != stem}
    return graph


def circles(graph):
    """The strongly connected groups of more than one file (Tarjan, iteratively)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_every_folder_is_in_the_table():
    folders = {f.split("/")[0] for f in sources()}
    assert folders == set(ALLOWED), (
        "a folder of src/ is missing from doc/architecture.md's table (and ALLOWED here), "
        "or the table names one that is gone: %s" % sorted(folders ^ set(ALLOWED)))


def test_folders_include_only_what_their_layer_allows():
    wrong = []
    for name, included in sources().items():
        folder = name.split("/")[0]
        for h in included:
            other = h.split("/")[0]
            if other != folder and other not in ALLOWED.get(folder, set()):
                wrong.append("%s includes %s.h" % (name, h))
    assert not wrong, "against the layers of doc/architecture.md:\n  " + "\n  ".join(wrong)


def test_no_circle_between_files():
    found = circles(uses(sources()))
    assert not found, "files that use each other round a circle:\n  " + "\n  ".join(
        " <-> ".join(g) for g in found)


def test_a_circle_is_seen():
    # The check itself: a made-up pair through a header, and a three-file round.
    files = {"a/x.c": ["a/y"], "a/y.c": ["a/z-int"], "a/z-int.h": ["a/x"], "a/x.h": [],
             "a/y.h": [], "b/p.c": ["b/q"], "b/q.c": ["b/r"], "b/r.c": ["b/p"],
             "b/p.h": [], "b/q.h": [], "b/r.h": []}
    assert sorted(circles(uses(files))) == [["a/x", "a/y"], ["b/p", "b/q", "b/r"]]
