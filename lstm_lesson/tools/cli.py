"""lstm-lesson: one command for learners and teachers.

    lstm-lesson lab [DIR]        copy the lessons into DIR (yours to change) and open JupyterLab on it
    lstm-lesson reset NN         restore lesson NN in your folder (your copy is kept in backups/)
    lstm-lesson student OUT      the student edition: no solutions, self-check outputs cleared
    lstm-lesson teacher OUT      the teacher edition: solutions, speaker notes, the teacher's guide
    lstm-lesson slides           offline reveal.js decks, one per lesson
    lstm-lesson handouts         one PDF per lesson deck (headless Chromium)
    lstm-lesson assets           the diagrams as SVG and PNG
    lstm-lesson timings          seconds per cell of each lesson (for the teacher's guide)
    lstm-lesson guide            the guide's generated tables from those timings and the self-checks

lab, reset, student, teacher, slides, handouts and guide take ``--lang zh`` for the Chinese edition
(中文版, the lessons in notebooks/zh/).

Every subcommand has ``--help``. The lessons come with the installed package, so this works from
an installed wheel as well as from a clone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from ..core.language import say, set_language
from . import assets, editions, guide, handouts, slides, timings, workspace

SYMBOL = {"copied": "+", "updated": "^", "unchanged": "=", "kept": "!", "replaced": "~"}
WHAT_ZH = {"copied": "已复制", "updated": "已更新", "unchanged": "未变", "kept": "保留了你的修改", "replaced": "已替换"}


def _ask_on_terminal(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def cmd_lab(args) -> int:
    folder = Path(args.dir)
    ask = _ask_on_terminal if sys.stdin.isatty() and not args.keep else None
    report = workspace.sync(folder, ask=ask, lang=args.lang)
    for name, what in report.items():
        print(f"  {SYMBOL[what]} {name}: {say(what, WHAT_ZH[what])}")
    kept = [name for name, what in report.items() if what == "kept"]
    lang = "" if args.lang == "en" else f" --lang {args.lang}"
    if kept:
        print(say(f"Your changes to {', '.join(kept)} are kept. `lstm-lesson reset NN{lang}` restores a lesson "
                  "(your copy goes to backups/).",
                  f"你对 {'、'.join(kept)} 的修改保留了。`lstm-lesson reset NN{lang}` 可以恢复一课"
                  "（你的副本移到 backups/）。"))
    lessons = workspace.lessons_folder(folder, args.lang)
    print(say(f"Your lessons: {lessons.resolve()}", f"你的课程：{lessons.resolve()}"))
    if args.copy_only:
        print(say(f"Open them with: {sys.executable} -m jupyterlab {folder}",
                  f"打开方式：{sys.executable} -m jupyterlab {folder}"))
        return 0
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder.resolve()}",
               f"--LabApp.default_url=/lab/tree/{lessons.relative_to(folder).as_posix()}/00_start_here.ipynb"]
    if args.no_browser:
        command.append("--no-browser")
    if args.port:
        command.append(f"--port={args.port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a container's root user: JupyterLab refuses without it
        command.append("--allow-root")
    command += args.jupyter_args
    print(say("Starting JupyterLab (stop it with Ctrl+C). Start with 00_start_here.ipynb.",
              "正在启动 JupyterLab（按 Ctrl+C 停止）。从 00_start_here.ipynb 开始。"), flush=True)
    if os.name == "posix":  # become JupyterLab: Ctrl+C and kill reach the server itself
        os.execv(sys.executable, command)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


def cmd_reset(args) -> int:
    try:
        restored, backup = workspace.reset(args.lesson, Path(args.dir), args.lang)
    except ValueError as err:
        print(say(f"error: {err}", f"错误：{err}"), file=sys.stderr)
        return 2
    print(say(f"restored {restored}" + (f"; your copy is in {backup}" if backup else " (you had not changed it)"),
              f"已恢复 {restored}" + (f"；你的副本在 {backup}" if backup else "（你没有改过它）")))
    return 0


def cmd_student(args) -> int:
    editions.write_student_edition(Path(args.out), editions.select_lessons(args.lessons, args.lang), lang=args.lang)
    return 0


def cmd_teacher(args) -> int:
    editions.write_teacher_edition(Path(args.out), editions.select_lessons(args.lessons, args.lang), lang=args.lang)
    return 0


def _delegate(main):
    return lambda args: main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lstm-lesson", description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lab = sub.add_parser("lab", help="copy the lessons into your own folder and open JupyterLab on it",
                         description="Copy the lessons into DIR, a folder that is yours to change, then start "
                         "JupyterLab on it (lessons in DIR/notebooks, the data they read in DIR/assets). Run it again "
                         "at any time: missing lessons are copied, lessons you never "
                         "changed are updated, lessons you changed are kept (on a terminal you are asked).")
    lab.add_argument("dir", nargs="?", default=str(workspace.DEFAULT_DIR), metavar="DIR",
                     help=f"your lessons folder (default: ./{workspace.DEFAULT_DIR})")
    lab.add_argument("--no-browser", action="store_true", help="start JupyterLab without opening a browser tab")
    lab.add_argument("--copy-only", action="store_true", help="copy the lessons, do not start JupyterLab")
    lab.add_argument("--keep", action="store_true", help="never ask: keep every lesson you changed")
    lab.add_argument("--port", type=int, help="JupyterLab's port (default: its own, 8888 or the next free one)")
    lab.epilog = "Options after -- go to jupyter lab as they are, e.g. lstm-lesson lab -- --ip=127.0.0.1"
    editions.add_lang_option(lab)
    lab.set_defaults(run=cmd_lab)

    reset = sub.add_parser("reset", help="restore one lesson in your folder (your copy goes to backups/)",
                           description="Restore lesson NN in your lessons folder to the original. Your copy, if you "
                           "changed it, is moved to DIR/notebooks/backups/ (the Chinese edition: "
                           "DIR/notebooks/zh/backups/) with the date and time in its name.")
    reset.add_argument("lesson", metavar="NN", help="lesson number, e.g. 02")
    reset.add_argument("--dir", default=str(workspace.DEFAULT_DIR), help=f"your lessons folder (default: "
                       f"./{workspace.DEFAULT_DIR})")
    editions.add_lang_option(reset)
    reset.set_defaults(run=cmd_reset)

    for name, run, what in (("student", cmd_student, "the student edition: solution cells removed (not hidden), "
                             "self-check outputs cleared, a stub where each exercise is answered, no speaker notes"),
                            ("teacher", cmd_teacher, "the teacher edition: notebooks with the solutions opened and "
                             "speaker notes, the teacher's guide, all speaker notes in one file, the student edition")):
        edition = sub.add_parser(name, help=what.split(":")[0], description=f"Write {what}.")
        edition.add_argument("out", metavar="OUT", help="folder to write into (created)")
        edition.add_argument("--lessons", nargs="*", metavar="NN", help="only these lessons (default: all)")
        editions.add_lang_option(edition)
        edition.set_defaults(run=run)

    for name, module, what in (("slides", slides, "offline reveal.js decks, one per lesson"),
                               ("handouts", handouts, "one PDF per lesson deck, printed by headless Chromium"),
                               ("assets", assets, "the diagrams as SVG and PNG"),
                               ("timings", timings, "seconds per cell of each lesson, for the teacher's guide"),
                               ("guide", guide, "the teacher's guide's generated tables (minutes, misconceptions)")):
        tool = sub.add_parser(name, help=what, add_help=False, description=what)
        tool.add_argument("rest", nargs=argparse.REMAINDER, help=f"options of {name} (see: lstm-lesson {name} --help)")
        tool.set_defaults(run=_delegate(module.main))
    return parser


TOOLS = {"slides": slides.main, "handouts": handouts.main, "assets": assets.main, "timings": timings.main,
         "guide": guide.main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in TOOLS:  # the tool parses its own options (and --help)
        return TOOLS[argv[0]](argv[1:]) or 0
    passed_on = []
    if argv and argv[0] == "lab" and "--" in argv:  # everything after -- is JupyterLab's
        argv, passed_on = argv[:argv.index("--")], argv[argv.index("--") + 1:]
    parser = build_parser()
    args = parser.parse_args(argv)
    args.jupyter_args = passed_on
    if hasattr(args, "lang"):  # the learner's own commands answer in the edition's language
        set_language(args.lang)
    if args.command in ("student", "teacher"):
        try:
            editions.select_lessons(args.lessons, args.lang)
        except ValueError as err:
            parser.error(str(err))
    return args.run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
