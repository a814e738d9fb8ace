//! The discovery score: which firms to visit first, and why (issue 11, item 3). The weights are
//! policy parameters; the score is an integer sum of weighted facts, each a shown reason.
