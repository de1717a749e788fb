"""course_lib.grading_sandbox: sandbox uids are never shared between graders."""

from course_lib import grading_sandbox as sandbox


def test_two_graders_never_get_the_same_uid():
    # Two pools stand for two `grade` runs on one machine: before the uid locks both started
    # at UID_BASE, and each one's clean-up killed the other's running kernels.
    first, second = sandbox.UidPool(2), sandbox.UidPool(2)
    a, b = first.acquire(), first.acquire()
    c = second.acquire()
    assert len({a, b, c}) == 3
    first.release(a)
    d = second.acquire()  # a freed uid can be taken by the other grader
    assert d not in {b, c}
    for pool, uid in ((first, b), (second, c), (second, d)):
        pool.release(uid)


def test_a_uid_is_locked_while_held_and_free_after_release():
    pool = sandbox.UidPool(1)
    uid = pool.acquire()
    assert sandbox._try_lock(uid) is None  # held: nobody else can lock it
    pool.release(uid)
    fd = sandbox._try_lock(uid)
    assert fd is not None
    sandbox.os.close(fd)
