package dev.polymath.icl.select;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Okapi BM25 over a fixed list of documents: lower-cased letter/digit tokens, k1 = 1.2, b = 0.75, and the
 * non-negative idf {@code ln(1 + (N - df + 0.5) / (df + 0.5))} (the variant Lucene uses).
 */
public final class Bm25 {
    public static final double K1 = 1.2;
    public static final double B = 0.75;
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+");

    private final List<Map<String, Integer>> tf = new ArrayList<>();
    private final int[] length;
    private final Map<String, Integer> df = new HashMap<>();
    private final double avgLength;

    public Bm25(List<String> documents) {
        length = new int[documents.size()];
        long total = 0;
        for (int i = 0; i < documents.size(); i++) {
            var counts = new HashMap<String, Integer>();
            List<String> toks = tokenize(documents.get(i));
            for (String t : toks) counts.merge(t, 1, Integer::sum);
            for (String t : counts.keySet()) df.merge(t, 1, Integer::sum);
            tf.add(counts);
            length[i] = toks.size();
            total += toks.size();
        }
        avgLength = documents.isEmpty() ? 0 : (double) total / documents.size();
    }

    public static List<String> tokenize(String text) {
        var out = new ArrayList<String>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) out.add(m.group());
        return out;
    }

    public int size() {
        return length.length;
    }

    public double idf(String term) {
        int n = df.getOrDefault(term, 0);
        return Math.log(1 + (length.length - n + 0.5) / (n + 0.5));
    }

    /** BM25 score of every document for the query text (query terms counted with multiplicity). */
    public double[] scores(String query) {
        double[] s = new double[length.length];
        for (String term : tokenize(query)) {
            if (!df.containsKey(term)) continue;
            double idf = idf(term);
            for (int i = 0; i < s.length; i++) {
                Integer f = tf.get(i).get(term);
                if (f == null) continue;
                double norm = K1 * (1 - B + B * (avgLength == 0 ? 0 : length[i] / avgLength));
                s[i] += idf * f * (K1 + 1) / (f + norm);
            }
        }
        return s;
    }
}
