"""Product uids of the shipped catalog and a builder for OrderFacts, shared by the catalog tests."""

from __future__ import annotations

from platen.catalog.services import LineFacts, OrderFacts

POSTER_A4 = "flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver"
POSTER_A3 = "flat_product_pf_a3_pt_200-gsm-uncoated_cl_4-0_ver"
CANVAS_50X70 = "canvas_500x700-mm-20x28-inch_canvas_wood-fsc-thick_4-0_ver"
FRAMED_A4 = (
    "framed_poster_mounted_210x297mm-8x12-inch_black_wood_w12xt22-mm_plexiglass_a4-8x12-inch"
    "_200-gsm-80lb-coated-silk_4-0_ver"
)
TEE_WHITE_M = "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_m_gco_white_gpr_4-0"
HOODIE_BLACK_M = "apparel_product_gca_hoodie_gsc_pullover_gcu_unisex_gqa_classic_gsi_m_gco_black_gpr_4-0"
MUG_11OZ = "mug_product_msz_11-oz_mmat_ceramic-white_cl_4-0"
CARD_A5_FOLDED = "cards_pf_a5_pt_350-gsm-coated-silk_cl_4-4_ft_fold-ver"
PHOTO_BOOK = (
    "photobooks-hardcover_pf_200x200-mm-8x8-inch_pt_170-gsm-65lb-coated-silk_cl_4-4_ccl_4-4_bt_glued-left"
    "_ct_matt-lamination_prt_1-0_cpt_130-gsm-65-lb-cover-coated-silk_ver"
)


def order(*lines, country="DE", currency="EUR", shipment_method=None, phone=None, federal_tax_id=None, state=None):
    """OrderFacts from (product_uid, quantity[, page_count]) tuples, fields items[0], items[1], ..."""
    return OrderFacts(
        country=country, state=state, phone=phone, federal_tax_id=federal_tax_id, currency=currency,
        shipment_method=shipment_method,
        lines=[LineFacts(f"items[{i}]", line[0], line[1], line[2] if len(line) > 2 else None)
               for i, line in enumerate(lines)],
    )
