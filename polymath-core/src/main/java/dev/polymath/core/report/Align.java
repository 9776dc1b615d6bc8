package dev.polymath.core.report;

/** Horizontal alignment of a table column. */
public enum Align { LEFT, RIGHT, CENTER }
