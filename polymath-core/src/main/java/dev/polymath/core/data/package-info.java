/**
 * Task data: where datasets are found ({@link dev.polymath.core.data.DataPaths}), the catalog of known datasets
 * ({@link dev.polymath.core.data.DatasetCatalog}), one loader per dataset, and generic loaders for users' own data
 * ({@link dev.polymath.core.data.JsonlLoader}, {@link dev.polymath.core.data.CsvLoader},
 * {@link dev.polymath.core.data.FolderLayoutLoader}).
 *
 * <p>Conventions shared by every loader:
 * <ul>
 *   <li>split names are {@code train}, {@code validation}, {@code test}, plus dataset-specific extra splits
 *       ({@code train_5}/{@code train_10} DNNC few-shot splits, {@code oos_*} for CLINC150 out-of-scope,
 *       {@code dev} for the MMLU few-shot pool, {@code fewshot} for BBH demonstrations, {@code examples} for Natural
 *       Instructions demonstrations, {@code dnnc_*} for BANKING77, {@code validation_ood} for CoLA);</li>
 *   <li>example ids are {@code split:index} (0-based position in the split, file order);</li>
 *   <li>label sets have a fixed order: the dataset's own list where it has one (CLINC150 {@code domains.json},
 *       BANKING77 {@code categories.json}, TweetEval {@code mapping.txt}), else sorted (SNIPS intents, generic
 *       loaders; BIO tags sorted with {@code O} first);</li>
 *   <li>every data file may be stored gzip-compressed as {@code name.gz} and is read streaming;</li>
 *   <li>malformed data raises {@link dev.polymath.core.data.DataFormatException} naming the file, the line
 *       (0 when the format is not line-oriented, e.g. a JSON structure error, whose field is then a path such as
 *       {@code train[17]}) and the field; missing data raises {@link dev.polymath.core.data.MissingDataException}
 *       saying where it looked.</li>
 * </ul>
 */
package dev.polymath.core.data;
