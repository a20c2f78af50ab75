"""Search strategies as files: load them, render them per platform, run them through APIs.

load_query_file(path)                 -> Strategy   (litreview.search.query)
iter_searches(strategy)               -> [Search]
render_strategy(strategy, platform)   -> [Rendered] (litreview.search.render)
run_search(review, path, source, ...) -> SearchRun  (litreview.search.run)
"""
