//! The training plan an AX level and a diagnosis's needs call for (seed 002 IV-② <참고>):
//! beginner, intermediate and advanced items, each with the catalogue criteria it searches by.
