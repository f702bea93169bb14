//! The packages as users install them: the Python wheel.

mod python;
