from benchmarks.child import ChildRun, ColdRuns


def run(seconds: float, rss: int = 1) -> ChildRun:
    return ChildRun("bench", seconds, rss, 0)


def test_the_median_is_a_real_run_and_the_peak_is_the_highest_of_all() -> None:
    runs = ColdRuns([run(12.0, 5), run(9.5, 7), run(10.25, 6)])
    assert runs.median == run(10.25, 6)
    assert runs.max_rss_bytes == 7
    assert runs.spread() == "median of 3 (9.50-12.00 s)"


def test_of_an_even_count_the_median_is_the_slower_middle_run() -> None:
    assert ColdRuns([run(4.0), run(1.0), run(3.0), run(2.0)]).median.seconds == 3.0
