"""Imported by the search pool's fork server as it starts, and only there: the fork server
then dies with the arcloop process that started it, even on SIGKILL.

Without this, a killed arcloop leaves the fork server and its workers behind for good: each
worker holds the write end of the pipe the fork server watches to notice that arcloop is
gone, and each waits for its parent, the fork server, to die first (``die_with_parent``).
"""

from arcloop._process import die_with_parent

die_with_parent()
