"""A run of a plan (``search.plan``): its workers supervised (``execute``, ``supervisor``), watched
(``monitor``, ``progress``, ``log``), and read back from its out directory (``reading``).

Nothing is re-exported here: the command line imports the modules it needs when a command
runs, so that ``--help`` answers at once."""
