"""Request logs: the filer's own case records, read and counted into the report's boxes.

:mod:`reportbot.log.table` is the boundary: reading (files to tables) is on
one side, counting (tables to boxes, with the file numbers behind each) on
the other. Nothing here has words: findings carry message keys and facts.
"""
