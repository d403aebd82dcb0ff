"""--baseline-rev: builds strata-server from another commit to serve as the baseline."""

import os
import shutil
import subprocess
import tempfile

from .common import ROOT, log, quote


def _run(cmd, build_log, env=None):
    log(f"$ {quote(cmd)}")
    with open(build_log, "ab") as out:
        done = subprocess.run([str(c) for c in cmd], stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, env=env)
    if done.returncode != 0:
        with open(build_log, errors="replace") as f:
            tail = "".join(f.readlines()[-30:])
        raise RuntimeError(f"{quote(cmd)} failed with status {done.returncode}:\n{tail}")


def build_revision(rev, workdir):
    """Builds strata-server (Release) from `rev` in a temporary git worktree, copies it into
    `workdir` and removes the worktree and its build tree. Returns the binary's path.
    Raises RuntimeError if the revision is unknown or the build fails."""
    found = subprocess.run(["git", "-C", ROOT, "rev-parse", "--verify", "--quiet",
                            f"{rev}^{{commit}}"], capture_output=True, text=True)
    if found.returncode != 0:
        raise RuntimeError(f"--baseline-rev {rev}: not a commit in {ROOT}")
    sha = found.stdout.strip()
    tmp = tempfile.mkdtemp(prefix="strata-baseline-")
    src, build = os.path.join(tmp, "src"), os.path.join(tmp, "build")
    build_log = os.path.join(workdir, "baseline-build.log")
    log(f"\nbuilding the baseline from {rev} ({sha[:12]}) in {tmp} (output: {build_log})")
    env = dict(os.environ)
    configure = ["cmake", "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release"]
    if shutil.which("ninja"):
        configure += ["-G", "Ninja"]
    if shutil.which("ccache"):
        configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        # The compile commands name the temporary directory; relative to it they are the
        # same on every run, so repeated baseline builds hit the cache.
        env.setdefault("CCACHE_BASEDIR", tmp)
    added = False
    try:
        _run(["git", "-C", ROOT, "worktree", "add", "--detach", src, sha], build_log)
        added = True
        _run(configure, build_log, env)
        _run(["cmake", "--build", build, "--target", "strata-server"], build_log, env)
        binary = os.path.join(workdir, f"strata-server-{sha[:12]}")
        shutil.copy2(os.path.join(build, "strata-server"), binary)
        # The revision's own shipped config: a newer one may have keys it does not know.
        shutil.copy2(os.path.join(src, "conf", "strata.toml"), binary + ".toml")
        return binary
    finally:
        if added:
            removed = subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", src],
                                     capture_output=True, text=True)
            if removed.returncode != 0:
                log(f"warning: git worktree remove {src}: {removed.stderr.strip()}")
        shutil.rmtree(tmp, ignore_errors=True)
        if added:
            subprocess.run(["git", "-C", ROOT, "worktree", "prune"], capture_output=True)
