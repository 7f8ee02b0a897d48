/** The built-in role packs (permission catalog plus roles, one JSON file each) and their loader. */
@NullMarked
package dev.gatehouse.engine.packs;

import org.jspecify.annotations.NullMarked;
