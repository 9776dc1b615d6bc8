package dev.polymath.icl.memory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polymath.icl.select.Embedder;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A persistent store of solved cases, (input, output, embedding, metadata), searchable by similarity: the
 * exemplar memory behind the {@code knn} selector ({@code Selectors.knnOverMemory}) and behind applications that
 * "retrieve similar solved cases".
 *
 * <p>Stored in a Lucene index folder: each exemplar is one document with its id (exact-match field), input,
 * output, metadata (JSON), the raw vector, and a {@link KnnFloatVectorField} indexed in Lucene's HNSW graph with
 * dot-product similarity (vectors are L2-normalized, so that is cosine). Searches are approximate nearest-neighbour
 * (HNSW); similarities returned are cosines. Adding an existing id replaces it. Changes are visible to searches at
 * once and durable after {@link #commit()} or {@link #close()}. The embedder's name and dimension are stored with
 * the index; reopening with a different dimension is an error naming both.
 *
 * <p>One process at a time may open a folder (Lucene's write lock); methods are thread-safe.
 */
public final class ExemplarMemory implements AutoCloseable {
    private static final String ID = "id", INPUT = "input", OUTPUT = "output", META = "meta", VEC = "vec", RAW = "vec_raw";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Lucene logs a warning when the JDK's incubating vector module is not enabled; the scalar fallback is correct,
     * just slower, so users need not see it. (Held strongly so the level sticks.)
     */
    private static final java.util.logging.Logger VECTOR_LOG = quiet("org.apache.lucene.internal.vectorization");

    private static java.util.logging.Logger quiet(String name) {
        var l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.SEVERE);
        return l;
    }

    /** One solved case. {@code embedding} is L2-normalized. */
    public record Exemplar(String id, String input, String output, float[] embedding, Map<String, String> metadata) {
        public Exemplar {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    /** A search result with its cosine similarity to the query. */
    public record Hit(Exemplar exemplar, double similarity) {}

    private final Path dir;
    private final Embedder embedder;
    private final Directory directory;
    private final IndexWriter writer;
    private DirectoryReader reader;

    private ExemplarMemory(Path dir, Embedder embedder) throws IOException {
        this.dir = dir;
        this.embedder = embedder;
        Files.createDirectories(dir);
        this.directory = FSDirectory.open(dir);
        boolean existed = DirectoryReader.indexExists(directory);
        IndexWriter w;
        try {
            w = new IndexWriter(directory, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
        } catch (org.apache.lucene.store.LockObtainFailedException e) {
            directory.close();
            throw new IllegalStateException("exemplar memory " + dir + " is open in another process (Lucene write lock held)", e);
        }
        this.writer = w;
        if (existed) {
            Map<String, String> data = new HashMap<>();
            Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
            if (live != null) for (var e : live) data.put(e.getKey(), e.getValue());
            String dim = data.get("dimension");
            if (dim != null && Integer.parseInt(dim) != embedder.dimension()) {
                writer.close();
                directory.close();
                throw new IllegalArgumentException("exemplar memory " + dir + " holds " + dim + "-dimensional embeddings ("
                        + data.getOrDefault("embedder", "?") + ") but the embedder " + embedder.name() + " makes "
                        + embedder.dimension() + "-dimensional ones");
            }
        }
        writer.setLiveCommitData(Map.of("dimension", String.valueOf(embedder.dimension()), "embedder", embedder.name()).entrySet());
        writer.commit();
        this.reader = DirectoryReader.open(writer);
    }

    /** Opens (creating if needed) the memory in {@code dir}. */
    public static ExemplarMemory open(Path dir, Embedder embedder) {
        try {
            return new ExemplarMemory(dir, embedder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open exemplar memory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Embedder embedder() {
        return embedder;
    }

    /** Embeds {@code input} and stores the case (replacing one with the same id). */
    public void add(String id, String input, String output, Map<String, String> metadata) {
        add(new Exemplar(id, input, output, embedder.embed(input), metadata));
    }

    /** Stores many cases, embedding their inputs in one batch. */
    public void addAll(List<Exemplar> withoutEmbeddings) {
        float[][] v = embedder.embed(withoutEmbeddings.stream().map(Exemplar::input).toList());
        for (int i = 0; i < v.length; i++) {
            Exemplar e = withoutEmbeddings.get(i);
            add(new Exemplar(e.id(), e.input(), e.output(), v[i], e.metadata()));
        }
    }

    /** Stores a case with a precomputed (normalized) embedding. */
    public synchronized void add(Exemplar e) {
        if (e.id() == null || e.id().isBlank()) throw new IllegalArgumentException("exemplar id must not be blank");
        if (e.embedding().length != embedder.dimension()) {
            throw new IllegalArgumentException("exemplar " + e.id() + ": embedding has " + e.embedding().length
                    + " dimensions, memory " + dir + " expects " + embedder.dimension());
        }
        float[] v = Embedder.normalize(e.embedding().clone());
        Document d = new Document();
        d.add(new StringField(ID, e.id(), Field.Store.YES));
        d.add(new StoredField(INPUT, e.input()));
        d.add(new StoredField(OUTPUT, e.output() == null ? "" : e.output()));
        try {
            d.add(new StoredField(META, JSON.writeValueAsString(new LinkedHashMap<>(e.metadata()))));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        d.add(new StoredField(RAW, new BytesRef(toBytes(v))));
        d.add(new KnnFloatVectorField(VEC, v, VectorSimilarityFunction.DOT_PRODUCT));
        try {
            writer.updateDocument(new Term(ID, e.id()), d);
            refresh();
        } catch (IOException ex) {
            throw new UncheckedIOException("could not write to exemplar memory " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** Removes a case; returns whether it existed. */
    public synchronized boolean delete(String id) {
        boolean existed = get(id).isPresent();
        try {
            writer.deleteDocuments(new Term(ID, id));
            refresh();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return existed;
    }

    public synchronized Optional<Exemplar> get(String id) {
        try {
            IndexSearcher s = new IndexSearcher(reader);
            TopDocs td = s.search(new TermQuery(new Term(ID, id)), 1);
            if (td.scoreDocs.length == 0) return Optional.empty();
            return Optional.of(load(s.storedFields(), td.scoreDocs[0].doc));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public synchronized int size() {
        return reader.numDocs();
    }

    /** Every stored case, in index order (for listings and statistics; loads them all). */
    public synchronized List<Exemplar> all() {
        try {
            IndexSearcher s = new IndexSearcher(reader);
            int n = Math.max(1, reader.numDocs());
            TopDocs td = s.search(new org.apache.lucene.search.MatchAllDocsQuery(), n);
            StoredFields sf = s.storedFields();
            var out = new ArrayList<Exemplar>(td.scoreDocs.length);
            for (ScoreDoc sd : td.scoreDocs) out.add(load(sf, sd.doc));
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The {@code k} most similar cases to {@code text} (embedded with this memory's embedder). */
    public List<Hit> search(String text, int k) {
        return search(embedder.embed(text), k, Set.of());
    }

    /** The {@code k} most similar cases to a normalized query vector, skipping the ids in {@code exclude}. */
    public synchronized List<Hit> search(float[] query, int k, Set<String> exclude) {
        if (query.length != embedder.dimension()) {
            throw new IllegalArgumentException("query has " + query.length + " dimensions, memory " + dir + " holds " + embedder.dimension());
        }
        if (k < 1 || reader.numDocs() == 0) return List.of();
        try {
            IndexSearcher s = new IndexSearcher(reader);
            int fetch = Math.min(reader.numDocs(), k + exclude.size());
            TopDocs td = s.search(new KnnFloatVectorQuery(VEC, Embedder.normalize(query.clone()), fetch), fetch);
            StoredFields sf = s.storedFields();
            var out = new ArrayList<Hit>();
            for (ScoreDoc sd : td.scoreDocs) {
                Exemplar e = load(sf, sd.doc);
                if (exclude.contains(e.id())) continue;
                // Lucene's DOT_PRODUCT score is (1 + dot) / 2; report the cosine itself
                out.add(new Hit(e, 2.0 * sd.score - 1.0));
                if (out.size() == k) break;
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Makes every change durable. */
    public synchronized void commit() {
        try {
            writer.commit();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public synchronized void close() {
        try {
            writer.commit();
            reader.close();
            writer.close();
            directory.close();
        } catch (IOException ex) {
            throw new UncheckedIOException("could not close exemplar memory " + dir + ": " + ex.getMessage(), ex);
        }
    }

    private void refresh() throws IOException {
        DirectoryReader r = DirectoryReader.openIfChanged(reader, writer);
        if (r != null) {
            reader.close();
            reader = r;
        }
    }

    private static Exemplar load(StoredFields sf, int doc) throws IOException {
        Document d = sf.document(doc);
        Map<String, String> meta = JSON.readValue(d.get(META), new TypeReference<LinkedHashMap<String, String>>() {});
        BytesRef raw = d.getBinaryValue(RAW);
        return new Exemplar(d.get(ID), d.get(INPUT), d.get(OUTPUT), fromBytes(raw), meta);
    }

    private static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    private static float[] fromBytes(BytesRef r) {
        ByteBuffer b = ByteBuffer.wrap(r.bytes, r.offset, r.length).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[r.length / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getFloat();
        return v;
    }
}
