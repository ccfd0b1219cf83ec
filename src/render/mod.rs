//! What pictures are made of: the colours, the scene every export draws,
//! and the maps laid over the views.

pub mod data_scene;
pub mod maps;
pub mod palette;
pub mod scene;
pub mod thin;
