"""The course's quiz content: question banks (`NN.json`, translations `NN.<lang>.json`) and
the behaviour checks of its coding exercises (`exercises`).

The generic engine is `course_lib.quiz`; it finds this content through
`course_lib.quiz.registry` and `course_lib.quiz.bank.BANK_DIR` (this folder).
"""
