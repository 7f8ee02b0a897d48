package dev.gatehouse.client;

/** Who took a decision: this process, with the engine ({@link #LOCAL}), or Gatehouse over HTTP ({@link #SERVER}). */
public enum Answered {
    LOCAL,
    SERVER
}
