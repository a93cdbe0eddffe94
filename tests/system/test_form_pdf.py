"""The printable application form from the command line, after a real application to the
real ncaenrolld on loopback: `ncaenroll form NUMBER --pdf FILE` is a PDF whose text
(pdftotext) carries the number and the names as registered, and whose QR code (zbarimg, on
the page rendered at 150 dpi) reads as the number; `--print` hands exactly that PDF to
CUPS's lp, and says what to do instead when there is no lp or no printer. The PDF is drawn
by the helper ncaenroll-pdf, which ncaenroll runs only then: a helper missing, failing or
crashing is a clear error that leaves no file behind, and the helper gets the form and
nothing else."""
import json
import os
import stat
import subprocess

import pytest

from conftest import BUILDDIR
from fixtures import service_fixture
from service import program_env
from test_apply_cli import Applicant

ORG_KK = "««Сарыарқа Жылу Энерго» ұлттық компаниясы» АҚ"
ORG_RU = "АО «Национальная компания «Сарыарка Жылу Энерго»»"
PERSON = "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ"
NO_PRINTER = "no printer: save it with --pdf FILE and print it elsewhere"


svc = service_fixture("svc")


class Person(Applicant):
    """An applicant whose commands run with a PATH of the test's choosing."""

    def run_path(self, path, *args, lang="en", extra_env=None):
        env = dict(self.env(lang), PATH=path)
        env.update(extra_env or {})
        cmd = [os.path.join(BUILDDIR, "uninstalled-env"), os.path.join(BUILDDIR, "ncaenroll"),
               "--service", self.svc.base, "--ca-file", self.svc.cafile, "--state", self.state]
        return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=120)

    def run_helpers(self, libexecdir, *args, extra_env=None, pass_fds=()):
        """As run, but with the helper programs taken from libexecdir: uninstalled-env
        points NCAENROLL_LIBEXECDIR at the build, env(1) after it points it elsewhere."""
        env = self.env("en")
        over = [f"{k}={v}" for k, v in (extra_env or {}).items()]
        cmd = [os.path.join(BUILDDIR, "uninstalled-env"), "env",
               f"NCAENROLL_LIBEXECDIR={libexecdir}", *over,
               os.path.join(BUILDDIR, "ncaenroll"),
               "--service", self.svc.base, "--ca-file", self.svc.cafile, "--state", self.state]
        return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, pass_fds=pass_fds, timeout=120)


@pytest.fixture(scope="module")
def applied(svc, tmp_path_factory):
    """One application sent with the CLI; its person and request number."""
    me = Person(svc, str(tmp_path_factory.mktemp("home")))
    p = me.apply()
    assert p.returncode == 0, p.stderr
    return me, json.loads(p.stdout)["request_number"]


def pdf_text(path):
    p = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def qr_of(path, tmp_path):
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", path,
                    str(tmp_path / "page")], check=True)
    p = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page.png")],
                       capture_output=True, text=True)
    assert p.returncode == 0, "no QR code found on the page"
    return p.stdout.strip()


def fake_lp(tmp_path):
    """A stand-in for CUPS's lp: keeps its arguments and a copy of what it was given."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    lp = bindir / "lp"
    lp.write_text('#!/bin/sh\n'
                  'printf "%s\\n" "$@" > "$LP_SEEN/args"\n'
                  'cat "$1" > "$LP_SEEN/job.pdf" || exit 1\n'
                  'echo "request id is desk-1 (1 file(s))"\n')
    lp.chmod(0o755)
    return str(bindir)


def test_pdf_has_the_number_the_names_and_a_scannable_code(applied, tmp_path):
    me, number = applied
    out = tmp_path / "out.pdf"
    p = me.run("form", number, "--pdf", str(out))
    assert p.returncode == 0, p.stderr
    assert str(out) in p.stdout
    assert out.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = pdf_text(str(out))
    for want in (number, ORG_RU, PERSON, "940140000385", "871008401427", "1001",
                 "identity document"):
        assert want in text, f"{want} is not on the page:\n{text}"
    assert qr_of(str(out), tmp_path) == number
    # Text stays the default, on standard output.
    p = me.run("form", number)
    assert p.returncode == 0 and number in p.stdout and "%PDF" not in p.stdout


def test_pdf_in_kazakh(applied, tmp_path):
    me, number = applied
    out = tmp_path / "kk.pdf"
    p = me.run("form", number, "--pdf", str(out), lang="kk")
    assert p.returncode == 0, p.stderr
    text = pdf_text(str(out))
    assert ORG_KK in text and PERSON in text and number in text
    assert "Ұйым" in text, "labels in the reader's language"


def test_pdf_into_a_missing_folder(applied, tmp_path):
    me, number = applied
    out = tmp_path / "nowhere" / "out.pdf"
    p = me.run("form", number, "--pdf", str(out))
    assert p.returncode == 4
    assert str(out) in p.stderr
    assert os.listdir(tmp_path) == []


def test_print_hands_exactly_the_pdf_to_lp(applied, tmp_path):
    me, number = applied
    seen = tmp_path / "seen"
    seen.mkdir()
    bindir = fake_lp(tmp_path)
    p = me.run_path(bindir + ":/usr/bin:/bin", "form", number, "--print",
                    extra_env={"LP_SEEN": str(seen)})
    assert p.returncode == 0, p.stderr
    assert "request id is desk-1" in p.stdout
    args = (seen / "args").read_text().splitlines()
    assert len(args) == 1 and os.path.isabs(args[0])
    assert os.path.basename(args[0]) == f"application-{number}.pdf"
    job = seen / "job.pdf"
    assert job.read_bytes().startswith(b"%PDF-")
    assert number in pdf_text(str(job))
    assert not os.path.exists(args[0]), "the temporary copy is removed after lp"


def test_print_a_saved_pdf(applied, tmp_path):
    """--pdf FILE --print: the very file saved is the one printed."""
    me, number = applied
    seen = tmp_path / "seen"
    seen.mkdir()
    bindir = fake_lp(tmp_path)
    out = tmp_path / "keep.pdf"
    p = me.run_path(bindir + ":/usr/bin:/bin", "form", number, "--pdf", str(out), "--print",
                    extra_env={"LP_SEEN": str(seen)})
    assert p.returncode == 0, p.stderr
    assert (seen / "args").read_text().splitlines() == [str(out)]
    assert (seen / "job.pdf").read_bytes() == out.read_bytes()


def test_print_without_lp(applied, tmp_path):
    """No CUPS client on this computer: say so and what to do; nothing left behind."""
    me, number = applied
    empty = tmp_path / "bin"
    empty.mkdir()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    p = me.run_path(str(empty), "form", number, "--print", extra_env={"TMPDIR": str(tmp)})
    assert p.returncode == 4, p.stderr
    assert NO_PRINTER in p.stderr
    assert os.listdir(tmp) == []


def test_print_with_no_printer(applied, tmp_path):
    """lp is there but has no printer (its own words, as CUPS says them, come first)."""
    me, number = applied
    bindir = tmp_path / "bin"
    bindir.mkdir()
    lp = bindir / "lp"
    lp.write_text('#!/bin/sh\necho "lp: Error - no default destination available." >&2\n'
                  'exit 1\n')
    lp.chmod(0o755)
    p = me.run_path(str(bindir), "form", number, "--print")
    assert p.returncode == 4
    assert "no default destination" in p.stderr
    assert p.stderr.index("no default destination") < p.stderr.index(NO_PRINTER)



def fake_helper(tmp_path, body):
    """A folder holding a stand-in ncaenroll-pdf that runs the shell code body."""
    libexec = tmp_path / "libexec"
    libexec.mkdir()
    helper = libexec / "ncaenroll-pdf"
    helper.write_text("#!/bin/sh\n" + body)
    helper.chmod(0o755)
    return libexec


def test_pdf_without_its_helper(applied, tmp_path):
    """No ncaenroll-pdf where it should be: the error says so, status 4, no file."""
    me, number = applied
    empty = tmp_path / "libexec"
    empty.mkdir()
    out = tmp_path / "f.pdf"
    p = me.run_helpers(str(empty), "form", number, "--pdf", str(out))
    assert p.returncode == 4, p.stderr
    assert f"cannot make the PDF: {empty}/ncaenroll-pdf: it does not exist" \
        in p.stderr
    assert not out.exists()
    assert os.listdir(tmp_path) == ["libexec"]


def test_pdf_helper_fails_in_its_own_words(applied, tmp_path):
    """A helper that fails is quoted (its first line); it got the form as JSON on standard
    input, no arguments, standard output on /dev/null, and no descriptor of ncaenroll's."""
    me, number = applied
    seen = tmp_path / "seen"
    seen.mkdir()
    libexec = fake_helper(tmp_path, 'cat > "$SEEN/request"\n'
                          'echo "$#" > "$SEEN/argc"\n'
                          '[ /proc/self/fd/1 -ef /dev/null ] && echo null > "$SEEN/stdout"\n'
                          'ls /proc/self/fd > "$SEEN/fds"\n'
                          'echo "no room left on the device" >&2\n'
                          'echo "and a second line" >&2\n'
                          'exit 1\n')
    out = tmp_path / "f.pdf"
    # A descriptor ncaenroll is given and must not pass on. Whatever number is free: a
    # fixed one (dup2 onto 20) races the threads of a pytest-xdist worker (EBUSY).
    fd = os.open(os.devnull, os.O_RDONLY)
    try:
        p = me.run_helpers(str(libexec), "form", number, "--pdf", str(out),
                           extra_env={"SEEN": str(seen)}, pass_fds=(fd,))
    finally:
        os.close(fd)
    assert p.returncode == 4, p.stderr
    assert "cannot make the PDF: no room left on the device" in p.stderr
    assert "second line" not in p.stderr
    assert not out.exists()
    req = json.loads((seen / "request").read_text())
    assert req["number"] == number and req["iin"] == "871008401427"
    assert req["lang"] == "en" and req["path"] == str(out) and req["days"] == 30
    assert set(req) == {"number", "date", "deadline", "org_name", "bin", "applicant", "iin",
                        "email", "role", "region", "city", "gu_code", "storage", "days",
                        "lang", "path"}
    assert (seen / "argc").read_text().split() == ["0"]
    assert (seen / "stdout").read_text() == "null\n"
    # ls's own 0, 1, 2 and the folder it reads: not ncaenroll's state file or that one.
    assert sorted((seen / "fds").read_text().split(), key=int) == ["0", "1", "2", "3"]


def test_pdf_helper_crashes(applied, tmp_path):
    me, number = applied
    libexec = fake_helper(tmp_path, "cat > /dev/null\nkill -SEGV $$\n")
    out = tmp_path / "f.pdf"
    p = me.run_helpers(str(libexec), "form", number, "--pdf", str(out))
    assert p.returncode == 4, p.stderr
    assert f"cannot make the PDF: {libexec}/ncaenroll-pdf was stopped by signal 11" in p.stderr
    assert not out.exists()


def run_helper_alone(stdin, *args):
    return subprocess.run([os.path.join(BUILDDIR, "uninstalled-env"),
                           os.path.join(BUILDDIR, "ncaenroll-pdf"), *args],
                          input=stdin, capture_output=True, text=True, env=program_env(),
                          timeout=120)


def test_helper_alone(tmp_path):
    """The helper itself: a PDF from a request; 2 and one line for what it cannot read."""
    out = tmp_path / "alone.pdf"
    req = {"number": "4821-0937-5512-0684-3319-7725-4406", "date": "2026-11-25 18:20 UTC",
           "deadline": "2026-12-25 18:20 UTC", "org_name": ORG_KK, "bin": "940140000385",
           "applicant": PERSON, "iin": "871008401427", "email": None, "role": "ROLE02",
           "region": "Қарағанды облысы", "city": "Қарағанды", "gu_code": "1001",
           "storage": "eToken PRO 72K", "days": 30, "lang": "kk", "path": str(out)}
    p = run_helper_alone(json.dumps(req))
    assert p.returncode == 0 and p.stderr == "", p.stderr
    text = pdf_text(str(out))
    assert ORG_KK in text and PERSON in text and "Ұйым" in text
    p = run_helper_alone("{}")
    assert p.returncode == 2 and p.stderr == 'request: "number" is missing\n'
    p = run_helper_alone(json.dumps(dict(req, lang="de")))
    assert p.returncode == 2 and "unknown language" in p.stderr
    p = run_helper_alone(json.dumps(dict(req, path=str(tmp_path / "gone" / "x.pdf"))))
    assert p.returncode == 1 and str(tmp_path / "gone" / "x.pdf") in p.stderr
    p = run_helper_alone(json.dumps(req), "--path", "/tmp/x.pdf")
    assert p.returncode == 2 and "usage" in p.stderr
    assert os.listdir(tmp_path) == ["alone.pdf"]
