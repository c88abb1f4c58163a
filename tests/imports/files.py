"""Real-shaped clash CSV files for the import tests, written by code."""

import csv
import io

from orgs.exports import ACLED_COLUMNS

BURMESE_NOTE = 'မြစ်ကြီးနား အနီး တိုက်ပွဲ, "quoted"\nsecond line'


def acled_row(n, **overrides):
    row = {
        "event_id_cnty": f"MMR{n:05d}",
        "event_date": "15 March 2021",
        "year": "2021",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "KIA: Kachin Independence Army",
        "assoc_actor_1": "",
        "inter1": "Rebel group",
        "actor2": "Military Forces of Myanmar (2021-)",
        "assoc_actor_2": "",
        "inter2": "State forces",
        "interaction": "State forces-Rebel group",
        "civilian_targeting": "",
        "iso": "104",
        "region": "Southeast Asia",
        "country": "Myanmar",
        "admin1": "Kachin",
        "admin2": "Myitkyina",
        "admin3": "Waingmaw",
        "location": "Waingmaw",
        "latitude": "25.3500",
        "longitude": "97.4333",
        "geo_precision": "1",
        "source": "Kachin News Group",
        "source_scale": "Subnational",
        "notes": f"On 15 March 2021, event {n}.",
        "fatalities": "2",
        "tags": "",
        "timestamp": "1616000000",
    }
    row.update(overrides)
    return row


def acled_file(rows=None, columns=ACLED_COLUMNS, bom=False, newline="\n", encoding="utf-8"):
    """A file as bytes; rows are dicts (see acled_row), three by default."""
    rows = rows if rows is not None else [acled_row(n) for n in (1, 2, 3)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator=newline, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def tallies_file(rows, newline="\n"):
    columns = ["organisation", "opponent", "year", "count", "as_of", "claimed_by", "source"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator=newline)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue().encode()
