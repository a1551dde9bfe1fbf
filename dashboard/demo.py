"""Generated demonstration data for `service_counts`, until a QPS export is imported.

The documents hold no monthly QPS counts (DATA_NOTES.md), so the Services page would be
empty. The build fills `service_counts` with seeded, sparse numbers built on the real
classification (the 47 client categories and 56 services of the QPS Klinë sheet) and
calibrated on the one real total there is (the plan matrix's services delivered in its
baseline year). Every generated row carries `demonstration = true`, an `import_id` of
`demo:<scale>:seed=<seed>` and a source that says it is not real; `contribute` adds
nothing once a real import has put a single real row in the table.

Two scales: `default` (Mitrovica South, four years, a few tens of thousands of rows) and
`national` (all 38 municipalities, ten years, about ten million rows, for load tests: its
per-resident volume is inflated to reach that size, so its totals are not plausible).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.ingest.qps import AGE_GROUPS  # the bands an import accepts
from dashboard.vocabulary import MUNICIPALITY

if TYPE_CHECKING:
    from dashboard.catalog import Dataset
    from dashboard.db import Connection
    from dashboard.settings import Settings

TABLE = "service_counts"
DEFAULT_SEED = 20240
SEXES: tuple[str, ...] = ("F", "M")
# The plan-matrix indicator whose baseline calibrates the yearly volume: "Numri i i
# shërbimeve të ofruara" (services delivered by the QPS), read from plan_indicators.
CALIBRATION_INDICATOR = "2.3.a"
DEMO_SOURCE = (
    "TË DHËNA DEMONSTRUESE, të gjeneruara (dashboard/demo.py), jo shifra reale / "
    "generated demonstration data, not real figures"
)
# Share of each age band by the category's audience (client_categories.audience).
_AGE_PROFILES: dict[str, tuple[float, ...]] = {
    "children": (0.25, 0.45, 0.30, 0.0, 0.0),
    "adults": (0.0, 0.0, 0.0, 0.75, 0.25),
    "requests": (0.20, 0.20, 0.15, 0.40, 0.05),
    "other": (0.05, 0.15, 0.20, 0.45, 0.15),
}
# More services in winter months and fewer in August (holidays): a plausible shape only.
_MONTH_SHAPE = np.array([1.10, 1.05, 1.05, 1.00, 0.98, 0.95, 0.90, 0.80, 1.00, 1.05, 1.05, 1.07])


@dataclass(frozen=True)
class Scale:
    """How much demonstration data to generate."""

    name: str
    years: tuple[int, ...]
    national: bool  # every municipality, or only the home one
    volume: float  # multiplier of the calibrated per-resident rate
    services_per_category: tuple[int, int]  # fewest and most services a category uses


SCALES: dict[str, Scale] = {
    "default": Scale("default", (2022, 2023, 2024, 2025), False, 1.0, (4, 12)),
    "national": Scale("national", tuple(range(2016, 2026)), True, 24.0, (16, 28)),
}


@dataclass(frozen=True)
class DemoInputs:
    """The real reference data the generator builds on."""

    category_codes: tuple[int, ...]
    category_audiences: tuple[str, ...]
    service_codes: tuple[int, ...]
    municipalities: tuple[str, ...]
    populations: tuple[float, ...]
    home_municipality: str
    annual_services: float  # real services of the home municipality in calibration_year
    calibration_year: int


def _latest_populations(rows: list[tuple[str, int, float | None]]) -> dict[str, float]:
    latest: dict[str, tuple[int, float]] = {}
    for municipality, year, population in rows:
        if population is None or population == "":
            continue
        if municipality not in latest or year > latest[municipality][0]:
            latest[municipality] = (int(year), float(population))
    return {name: value for name, (_, value) in latest.items()}


def _inputs(
    categories: list[tuple[int, str]],
    services: list[int],
    populations: dict[str, float],
    calibration: tuple[float, int],
) -> DemoInputs:
    if MUNICIPALITY not in populations:
        raise ValueError(f"no population for {MUNICIPALITY} to calibrate the demonstration data")
    categories = sorted(categories)
    names = tuple(sorted(populations))
    return DemoInputs(
        category_codes=tuple(code for code, _ in categories),
        category_audiences=tuple(audience for _, audience in categories),
        service_codes=tuple(sorted(services)),
        municipalities=names,
        populations=tuple(populations[name] for name in names),
        home_municipality=MUNICIPALITY,
        annual_services=float(calibration[0]),
        calibration_year=int(calibration[1]),
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_inputs(data_dir: Path) -> DemoInputs:
    """The reference data from the embedded CSV files (for the command line)."""
    indicator = next(
        row
        for row in _read_csv(data_dir / "plan_indicators.csv")
        if row["indicator_code"] == CALIBRATION_INDICATOR
    )
    return _inputs(
        [(int(r["code"]), r["audience"]) for r in _read_csv(data_dir / "client_categories.csv")],
        [int(r["code"]) for r in _read_csv(data_dir / "services.csv")],
        _latest_populations(
            [
                (
                    r["municipality"],
                    int(r["year"]),
                    float(r["population"]) if r["population"] else None,
                )
                for r in _read_csv(data_dir / "population_by_municipality.csv")
            ]
        ),
        (float(indicator["baseline_value"]), int(indicator["baseline_year"])),
    )


def inputs_from_connection(con: Connection) -> DemoInputs:
    """The reference data from the tables of a database being built."""
    calibration = con.execute(
        "SELECT baseline_value, baseline_year FROM plan_indicators WHERE indicator_code = $code",
        {"code": CALIBRATION_INDICATOR},
    ).fetchone()
    if calibration is None or calibration[0] is None:
        raise ValueError(f"plan indicator {CALIBRATION_INDICATOR} has no baseline to calibrate on")
    return _inputs(
        [
            (int(c), str(a))
            for c, a in con.execute("SELECT code, audience FROM client_categories").fetchall()
        ],
        [int(c) for (c,) in con.execute("SELECT code FROM services").fetchall()],
        _latest_populations(
            con.execute(
                "SELECT municipality, year, population FROM population_by_municipality"
            ).fetchall()
        ),
        (float(calibration[0]), int(calibration[1])),
    )


@dataclass(frozen=True)
class _Structure:
    """Which services each category uses and how its clients split by sex and age."""

    pair_category: np.ndarray  # index into the categories, one per (category, service) pair
    pair_service: np.ndarray  # index into the services
    pair_weight: np.ndarray  # share of all services, sums to 1
    female_share: np.ndarray  # per pair
    age_share: np.ndarray  # per pair x age group, rows sum to 1


def _structure(inputs: DemoInputs, scale: Scale, rng: np.random.Generator) -> _Structure:
    n_categories, n_services = len(inputs.category_codes), len(inputs.service_codes)
    category_weight = rng.lognormal(0.0, 0.8, n_categories)
    service_popularity = rng.lognormal(0.0, 0.8, n_services)
    service_popularity /= service_popularity.sum()
    low, high = scale.services_per_category
    categories, services, weights = [], [], []
    for index in range(n_categories):
        size = int(rng.integers(low, high + 1))
        chosen = np.sort(rng.choice(n_services, size=size, replace=False, p=service_popularity))
        categories.append(np.full(size, index))
        services.append(chosen)
        weights.append(category_weight[index] * rng.dirichlet(np.full(size, 0.8)))
    pair_category = np.concatenate(categories)
    pair_weight = np.concatenate(weights)
    base = np.array(
        [_AGE_PROFILES.get(a, _AGE_PROFILES["other"]) for a in inputs.category_audiences]
    )
    shape = np.where(base > 0, base * 20.0, 1.0)
    category_age = rng.gamma(shape) * (base > 0)
    category_age /= category_age.sum(axis=1, keepdims=True)
    category_female = rng.beta(6.0, 5.0, n_categories)
    return _Structure(
        pair_category=pair_category,
        pair_service=np.concatenate(services),
        pair_weight=pair_weight / pair_weight.sum(),
        female_share=category_female[pair_category],
        age_share=category_age[pair_category],
    )


def _constant(value: str, size: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(size, dtype=np.int8), categories=[value])


def generate_service_counts(
    scale: str = "default", seed: int = DEFAULT_SEED, *, inputs: DemoInputs | None = None
) -> pd.DataFrame:
    """Seeded demonstration rows for service_counts (only the non-zero cells: sparse).

    The same scale, seed and inputs always give the same rows. `inputs` defaults to the
    embedded CSV files of the configured data directory.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    if inputs is None:
        from dashboard.settings import get_settings

        inputs = load_inputs(get_settings().data_dir)
    spec = SCALES[scale]
    rng = np.random.default_rng(seed)
    structure_rng = np.random.default_rng([seed, 1])
    structure = _structure(inputs, spec, structure_rng)
    category_codes = np.asarray(inputs.category_codes, dtype=np.int16)
    service_codes = np.asarray(inputs.service_codes, dtype=np.int16)
    parts: list[dict[str, np.ndarray]] = []
    for year, chosen, counts in _blocks(inputs, spec, structure, rng):
        municipality, month, pair, sex, age = np.nonzero(counts)
        parts.append(
            {
                "municipality": chosen[municipality],
                "year": np.full(len(month), year, dtype=np.int16),
                "month": (month + 1).astype(np.int8),
                "client_category_code": category_codes[structure.pair_category[pair]],
                "service_code": service_codes[structure.pair_service[pair]],
                "sex": sex.astype(np.int8),
                "age_group": age.astype(np.int8),
                "count": counts[municipality, month, pair, sex, age],
            }
        )
    columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    size = len(columns["count"])
    import_id = f"demo:{scale}:seed={seed}"
    frame = pd.DataFrame(
        {
            "municipality": pd.Categorical.from_codes(
                columns["municipality"].astype(np.int16), categories=list(inputs.municipalities)
            ),
            "year": columns["year"],
            "month": columns["month"],
            "client_category_code": columns["client_category_code"],
            "service_code": columns["service_code"],
            "sex": pd.Categorical.from_codes(columns["sex"], categories=list(SEXES)),
            "age_group": pd.Categorical.from_codes(
                columns["age_group"], categories=list(AGE_GROUPS)
            ),
            "count": columns["count"],
            "status": pd.Series(pd.NA, index=range(size), dtype="string"),
            "demonstration": np.ones(size, dtype=bool),
            "import_id": _constant(import_id, size),
            "source": _constant(DEMO_SOURCE, size),
        }
    )
    return frame


def _blocks(
    inputs: DemoInputs, scale: Scale, structure: _Structure, rng: np.random.Generator
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """For each year: the year, the municipalities' indices and the counts array.

    The counts array has the shape (municipality, month, pair, sex, age group); cells whose
    expected value is zero (an adult age band of a children's category) stay zero.
    """
    populations = np.asarray(inputs.populations)
    home = inputs.municipalities.index(inputs.home_municipality)
    chosen = np.arange(len(populations)) if scale.national else np.array([home])
    per_resident = inputs.annual_services * scale.volume / populations[home]
    annual = per_resident * populations[chosen]
    # Each municipality uses the services a little differently.
    local = rng.lognormal(0.0, 0.35, (len(chosen), len(structure.pair_weight)))
    local_weight = structure.pair_weight * local
    local_weight /= local_weight.sum(axis=1, keepdims=True)
    sex_share = np.stack([structure.female_share, 1.0 - structure.female_share], axis=1)
    cell_share = sex_share[:, :, None] * structure.age_share[:, None, :]  # pair x sex x age
    for year in scale.years:
        growth = 1.03 ** (year - inputs.calibration_year) * rng.normal(1.0, 0.03)
        month_weight = _MONTH_SHAPE * rng.normal(1.0, 0.05, (len(chosen), 12))
        month_weight /= month_weight.sum(axis=1, keepdims=True)
        expected = (
            (annual * growth)[:, None, None, None, None]
            * month_weight[:, :, None, None, None]
            * local_weight[:, None, :, None, None]
            * cell_share[None, None, :, :, :]
        )
        yield year, chosen, rng.poisson(expected).astype(np.int32)


def contribute(con: Connection, settings: Settings, catalogue: dict[str, Dataset]) -> None:
    """Fill service_counts with demonstration rows, unless a real import has filled it.

    Runs after the import journal's replay (pipeline.CONTRIBUTORS), so a single real row
    (demonstration = false) keeps every generated row out.
    """
    if TABLE not in catalogue:
        return
    real_rows = con.execute(f"SELECT count(*) FROM {TABLE} WHERE NOT demonstration").fetchone()
    if real_rows and real_rows[0]:
        return
    scale = getattr(settings, "demo_scale", "default")
    if scale not in SCALES:
        raise ValueError(f"DMS_DEMO_SCALE must be one of {', '.join(SCALES)}, got {scale!r}")
    frame = generate_service_counts(scale, DEFAULT_SEED, inputs=inputs_from_connection(con))
    con.register("demo_service_counts", frame)
    try:
        con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM demo_service_counts")
    finally:
        con.unregister("demo_service_counts")


def write_service_counts(frame: pd.DataFrame, path: Path) -> None:
    """Write generated rows to a CSV or Parquet file (by the file's extension)."""
    from dashboard.db import connect_in_memory

    con = connect_in_memory()
    try:
        rows = con.from_df(frame)
        if path.suffix.lower() == ".parquet":
            rows.write_parquet(str(path))
        else:
            rows.write_csv(str(path), header=True)
    finally:
        con.close()
