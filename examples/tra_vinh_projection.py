"""Trà Vinh: what the plan buys, the cheapest path to a target rank, and points lost by agency — on the bundled
published data. Every projected number is DERIVED and labelled "projected".

Run: python examples/tra_vinh_projection.py
"""

from __future__ import annotations

import chiso
import polars as pl
from chiso import plans

PROVINCE = "Trà Vinh"

# An illustrative plan on the two indices whose full data chiso bundles (PAPI to 2024, PCI sub-indices to 2016).
PLAN = plans.load_plan(
    pl.DataFrame(
        {
            "id": ["PAPI-1", "PAPI-2", "PCI-1", "PCI-2"],
            "index": ["papi", "papi", "pci", "pci"],
            "node": ["e_governance/portal_access", "transparency/land_use_plans", "transparency", "labor_training"],
            "title": ["Promote the public-service portal", "Publish land-use plans", "Publish plans", "Training"],
            "lead_agency": [
                "Department of Information and Communications",
                "Department of Natural Resources and Environment",
                "Department of Planning and Investment",
                "Department of Labour, Invalids and Social Affairs",
            ],
            "deadline": ["2025-06-30", "2025-09-30", "2025-03-31", "2025-12-31"],
            "status": ["in_progress", "planned", "done", "planned"],
            "effect_op": ["headroom", "headroom", "add", "headroom"],
            "effect_value": [0.5, 0.3, 0.5, 0.25],
        }
    )
)


def main() -> None:
    pl.Config.set_tbl_hide_dataframe_shape(True)
    for index, year in [("papi", 2024), ("pci", 2016)]:
        data = getattr(chiso.datasets, index)().filter(year=year)
        scores = chiso.score(index, data)
        base = scores.totals().filter(province=PROVINCE).row(0, named=True)
        rank = f"{base['rank']}/{base['n_field']}"  # over the publisher's whole field, held by the data these years
        print(f"\n== {index.upper()} {year}: {PROVINCE} scored {base['score']:.2f}, rank {rank}")
        projected = plans.project_plan(scores, PLAN, PROVINCE, year, index=index).filter(node="")
        p = projected.row(0, named=True)
        print(f"   if every task delivers (others held): {p['value']:.2f}, rank {p['rank']} ({p['status']})")
        target = max(1, base["rank"] - 10)
        answer = scores.target(PROVINCE, year, rank=target)
        print(f"   cheapest path to rank ≤ {target} (equal cost per point): reachable={answer['reachable']}")
        print(answer["steps"].select("node", "from", "to", "total_gain"))
        # Owners: the index's lead department by default; each task's lead agency owns the node it works on.
        mapping = PLAN.filter(index=index).select("node", pl.col("lead_agency").alias("agency"))
        lost = plans.uncovered(scores, PLAN, PROVINCE, year, index=index, mapping=mapping)
        by_owner = lost.filter(pl.col("depth") == 1).group_by("owner").agg(pl.col("cost_in_total").sum())
        print("   points lost in the total by owner:")
        print(by_owner)


if __name__ == "__main__":
    main()
