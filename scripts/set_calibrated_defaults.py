"""Set the defaults of the calibrated parameters in sim/params.py to the shipped posterior's weighted medians.

    .venv/bin/python scripts/set_calibrated_defaults.py [sim/data/calibration/npm]
    .venv/bin/python -m sim.docs          # then regenerate the parameter table of docs/ODD.md

Each median is rounded to 3 significant digits; the parameter's source becomes
SOURCE. tests/test_calibration.py checks that the defaults are the medians.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

from sim.batch.calibrate import weighted_quantile

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md"


def declaration(text: str, name: str) -> tuple[int, int]:
    """Start and end of ``name: type = _p(...)`` in the source of sim/params.py."""
    match = re.search(rf"^    {name}: \w+ = _p\(", text, flags=re.M)
    if match is None:
        raise SystemExit(f"no declaration of {name} in sim/params.py")
    depth, i = 0, match.end() - 1
    while True:
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        i += 1
        if depth == 0:
            return match.start(), i


def rewrite(block: str, value: float) -> str:
    """The declaration with ``value`` as default and SOURCE, after a comment keeping what it replaced."""
    head, args = block.split("_p(", 1)
    args = args[:-1]
    first, rest = re.match(r"\s*([^,]+),(.*)", args, flags=re.S).groups()
    old = re.search(r'source="([^"]*)"', rest)
    old_source = old.group(1) if old else "assumption"
    if old_source == SOURCE:  # already calibrated: keep the first comment
        comment = ""
    else:
        comment = (
            f"    # ABC-SMC posterior median (docs/calibration.md); before: {first.strip()}, source: {old_source}\n"
        )
    rest = re.sub(r',?\s*source="[^"]*"', "", rest, flags=re.S).rstrip().rstrip(",")
    return f'{comment}{head}_p({value!r},{rest}, source="{SOURCE}")'


def main(folder: Path) -> None:
    posterior = pd.read_parquet(folder / "posterior.parquet")
    path = ROOT / "sim" / "params.py"
    text = path.read_text(encoding="utf-8")
    for name in posterior.columns.drop("weight"):
        median = weighted_quantile(posterior[name].to_numpy(), posterior["weight"].to_numpy(), 0.5)
        value = float(f"{median:.3g}")
        start, end = declaration(text, name)
        text = text[:start] + rewrite(text[start:end], value) + text[end:]
        print(f"{name} = {value}")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "sim" / "data" / "calibration" / "npm")
