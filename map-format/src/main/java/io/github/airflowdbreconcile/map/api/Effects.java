package io.github.airflowdbreconcile.map.api;

/**
 * What a migration does to the schema's tables and columns, as far as mapgen can read its file.
 *
 * @param creates     what its {@code upgrade()} creates
 * @param drops       what its {@code downgrade()} drops: the data an undo of this revision deletes
 * @param notAnalysed null when every statement of the file was read; otherwise why not (raw SQL, a helper, a loop),
 *                    so {@code drops} is a lower bound
 */
public record Effects(TableChanges creates, TableChanges drops, String notAnalysed) {
    /** A migration that neither creates nor drops anything mapgen can see, and hides nothing from it. */
    public static final Effects NONE = new Effects(TableChanges.NONE, TableChanges.NONE, null);

    public boolean analysed() {
        return notAnalysed == null;
    }
}
