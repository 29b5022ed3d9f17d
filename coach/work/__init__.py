"""Analysis workers for a clinic on PostgreSQL: uploads and bundle imports as queued jobs.

``items`` is the coach's own record of each job (what to do, its file, progress, result), kept in
the clinic's database; ``queue`` hands the jobs to procrastinate (PostgreSQL-backed: no second
datastore) and runs ``coach worker``; ``tasks`` is what a worker does with one job; ``page_jobs``
lets the upload page show a queued job as it shows a job of its own thread. A single-user SQLite
laptop never uses any of this: its uploads run in a thread of the app (``coach.app.jobs``).
"""
