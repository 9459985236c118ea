"""Command line: ``chiso report --province "Trà Vinh"``."""

from __future__ import annotations

import argparse
import sys

from .exceptions import ChisoError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chiso", description="Vietnam's provincial governance indices.")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="scores, ranks and year-over-year change of one province")
    report.add_argument("--province", required=True, help='name, alias or GSO code, e.g. "Trà Vinh", "tra vinh", 84')
    report.add_argument(
        "--index",
        action="append",
        choices=["par", "sipas", "papi", "pci", "pgi", "ict", "dti"],
        help="repeatable; default: every index with bundled data",
    )
    report.add_argument("--format", choices=["text", "md", "html", "xlsx"], default="text")
    report.add_argument("--output", help="file to write (required for xlsx; html defaults to standard output)")
    report.add_argument(
        "--lang", choices=["vi", "en"], default="vi", help="language of every label: vi (Vietnamese, default) or en"
    )
    report.add_argument(
        "--no-decimal-comma",
        action="store_true",
        help="Vietnamese output with a decimal point instead of the decimal comma (text and html)",
    )
    args = parser.parse_args(argv)
    from .report import render

    comma = False if args.no_decimal_comma else None
    try:
        if args.format == "html":
            from .scorecard import scorecard_html

            page = scorecard_html(args.province, args.output, lang=args.lang, decimal_comma=comma)
            if args.output is None:
                print(page)
        elif args.format == "xlsx":
            from .scorecard import scorecard_xlsx

            if not args.output:
                print("chiso: --format xlsx needs --output FILE.xlsx", file=sys.stderr)
                return 2
            scorecard_xlsx(args.province, args.output, lang=args.lang)
        else:
            print(render(args.province, args.index, args.format, lang=args.lang, decimal_comma=comma))
    except ChisoError as exc:
        print(f"chiso: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
