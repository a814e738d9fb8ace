//! Partner ministries' programmes and their participant lists, and the integrated list of every programme a firm takes part in.
