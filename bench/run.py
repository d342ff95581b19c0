"""Benchmark: certificate packs and attendance reports, plain WeasyPrint against ours.

Each measurement runs in its own subprocess, so its peak memory (ru_maxrss of that child) is
its own. Both variants render the same plain values in the same run; one warm-up render per
process keeps WeasyPrint's one-off font set-up out of the timings.

    .venv/bin/python bench/run.py            # N = 300 and 1,000; writes bench/RESULTS.md
    .venv/bin/python bench/run.py --quick    # N = 50, for a smoke test
"""
import json
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = [("certificates", "plain"), ("certificates", "ours"),
         ("report", "plain"), ("report", "ours")]


def _app():
    from config import TestingConfig
    from youthagainstguns import create_app

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    return create_app(BenchConfig)


def _certificate_items(n: int):
    from youthagainstguns.certificates.documents import CertificateItem, WorkshopFacts
    from youthagainstguns.certificates.models import CertificateKind, new_verification_code

    facts = WorkshopFacts("Decisiones que salvan vidas", date(2026, 3, 12),
                          "I.E. José María Arguedas (San Juan de Lurigancho)", ("El Flaco",))
    items = [CertificateItem(CertificateKind.STUDENT, f"María José Ñúñez Quispe {i}",
                             new_verification_code(), "es", date(2026, 3, 15))
             for i in range(n)]
    return facts, items


def _report_rows(n: int):
    from youthagainstguns.reports.services import Report, _columns

    columns = _columns(False)
    report = Report(title="Reporte de asistencia",
                    facts=[("Colegio", "I.E. Señor de los Milagros (Comas)"),
                           ("Periodo", "01/03/2026 – 31/12/2026")],
                    totals=[("Estudiantes", n), ("Presente", n)], rate="100.0 %",
                    rate_label="Tasa de asistencia", row_count=n, columns=columns,
                    generated="26/11/2026 10:00", page_word="Página", of_word="de")
    rows = [{"n": i + 1, "student": f"Quispe Ñahui {i}, Ángela", "grade": "3.º B",
             "workshop": "Decisiones que salvan vidas", "date": "12/03/2026",
             "status": "Presente"} for i in range(n)]
    return report, rows


def _render(kind: str, variant: str, n: int) -> bytes:
    from youthagainstguns.certificates import documents
    from youthagainstguns.reports import services

    if kind == "certificates":
        facts, items = _certificate_items(n)
        render = documents.render_certificates if variant == "plain" else documents.render_pack
        return render(facts, items)
    report, rows = _report_rows(n)
    render = (services.render_plain_report_pdf if variant == "plain"
              else services.render_report_pdf)
    return render(report, iter(rows))


def child(kind: str, variant: str, n: int) -> None:
    """Render once small (warm-up), then N pages or rows; print JSON with time and memory."""
    app = _app()
    with app.test_request_context(headers={"Accept-Language": "es"}):
        _render(kind, variant, 2)
        started = time.perf_counter()
        body = _render(kind, variant, n)
        elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024, "bytes": len(body)}))


def measure(kind: str, variant: str, n: int) -> dict:
    """Run one case in a fresh interpreter and return its figures."""
    out = subprocess.run([sys.executable, __file__, "--child", kind, variant, str(n)],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    """Measure every case at every size; print a table and write bench/RESULTS.md."""
    lines = [
        "| what | N | plain WeasyPrint | ours | speed-up | peak RSS plain | peak RSS ours |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ("certificates", "report"):
        unit = "page" if kind == "certificates" else "row"
        for n in sizes:
            plain, ours = measure(kind, "plain", n), measure(kind, "ours", n)
            line = (f"| {kind} | {n:,} | {plain['seconds'] / n * 1000:.1f} ms/{unit} "
                    f"| {ours['seconds'] / n * 1000:.2f} ms/{unit} "
                    f"| {plain['seconds'] / ours['seconds']:.1f}x "
                    f"| {plain['peak_mb']:.0f} MB | {ours['peak_mb']:.0f} MB |")
            print(line, flush=True)
            lines.append(line)
    if sizes == FULL_SIZES:
        year = measure("report", "ours", BIG_REPORT)
        line = (f"| report, ours only (a large school's year) | {BIG_REPORT:,} | – "
                f"| {year['seconds'] / BIG_REPORT * 1000:.2f} ms/row | – | – "
                f"| {year['peak_mb']:.0f} MB |")
        print(line, flush=True)
        lines.append(line)
        header = (f"# Benchmark results\n\nMeasured by `make bench` on {date.today():%d/%m/%Y}, "
                  f"Python {platform.python_version()}, {platform.machine()}; each figure "
                  "from its own subprocess (peak RSS = that process's ru_maxrss, which "
                  "includes the interpreter and app, ~60–80 MB).\n\n")
        (ROOT / "bench" / "RESULTS.md").write_text(header + "\n".join(lines) + "\n")


FULL_SIZES = [300, 1000]
BIG_REPORT = 10_000

if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main([50] if "--quick" in sys.argv else FULL_SIZES)
