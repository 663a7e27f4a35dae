"""Running the same analysis at scale: a local process pool, and Apache Spark over a cluster.

Modules: `pool` (all cores of one machine, output in input order), `warc` (Common Crawl News WARC
files), `sources` (input records of every format as `InputDoc`s), `rows` (analysed documents as the
rows of the Parquet tables, and back), `merge` (cross-document stories, as the store builds them),
`spark` (the PySpark job; needs `pip install 'rasad[spark]'`) and `load` (a Spark run into the store).
Nothing here holds linguistic logic: every document goes through `rasad.pipeline.Pipeline`.
"""
