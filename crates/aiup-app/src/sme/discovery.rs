//! Discovery: firms ranked by whom to visit first, with the reasons, filtered by centre, region and industry.
