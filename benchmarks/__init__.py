"""Reference ("seed-style") train steps and input pipelines that `course_lib.bench` times.

Not part of the installed package: `python -m course_lib bench` imports it from the repository
checkout.
"""
